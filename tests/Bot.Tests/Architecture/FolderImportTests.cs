using System.Diagnostics;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Architecture;

/// <summary>
/// The folders' imports follow the layers: inbound Channels/X → Conversation → DialogRuntime/Feedback → … → the
/// channel seam, staff Staff → Announcements → Outbox → the seam, with no arrow back (scripts/folder-imports.py).
/// </summary>
public sealed class FolderImportTests
{
    [Fact]
    public async Task No_folder_imports_one_above_it()
    {
        var start = new ProcessStartInfo("python3", [Repo.PathOf("scripts", "folder-imports.py"), "--check"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "Arrows back against the layers:\n" + output + errors);
        Assert.Contains("Arrows back against the layers", output, StringComparison.Ordinal);
        Assert.Contains("| Staff | ", output, StringComparison.Ordinal); // the script did read the folders
    }

    [Fact]
    public void Code_outside_the_channel_folders_names_no_concrete_channel()
    {
        var source = Repo.PathOf("src", "Bot.Web");
        var channels = new[] { "Telegram", "WhatsApp", "WebChat" };
        var offenders = Directory.EnumerateFiles(source, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !Path.GetRelativePath(source, f).StartsWith("Channels" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && Path.GetDirectoryName(Path.GetRelativePath(source, f)) is { Length: > 0 }) // the composition root's one list may
            .Where(f => channels.Any(c => File.ReadAllText(f).Contains("Bot.Web.Channels." + c, StringComparison.Ordinal)
                || File.ReadAllText(f).Contains("Channels." + c + ".", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(source, f))
            .ToList();
        Assert.True(offenders.Count == 0, "These name a concrete channel outside Channels/: " + string.Join(", ", offenders));
    }
}
