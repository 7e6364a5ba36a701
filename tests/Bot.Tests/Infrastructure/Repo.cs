namespace Bot.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string SharedFolder => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies the bot's content (localization/ and dialogs/) into <paramref name="root"/>, for tests that edit it.</summary>
    public static void CopyContentTo(string root)
    {
        CopyDirectory(PathOf("localization"), Path.Combine(root, "localization"));
        CopyDirectory(PathOf("dialogs"), Path.Combine(root, "dialogs"));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bot.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Bot.sln not found above the test folder.");
    }
}

/// <summary>A test that reads the project's shared material (../shared beside the clone, as CI has it): skipped, with a message saying so, where it is absent.</summary>
public sealed class SharedFactAttribute : Xunit.FactAttribute
{
    public SharedFactAttribute()
    {
        if (!Directory.Exists(Path.Combine(Repo.SharedFolder, "knowledge"))) Skip = $"{Repo.SharedFolder} not found (shared/ beside the clone): test skipped.";
    }
}

/// <summary>A theory over the shared material; skipped like <see cref="SharedFactAttribute"/> where it is absent.</summary>
public sealed class SharedTheoryAttribute : Xunit.TheoryAttribute
{
    public SharedTheoryAttribute()
    {
        if (!Directory.Exists(Path.Combine(Repo.SharedFolder, "knowledge"))) Skip = $"{Repo.SharedFolder} not found (shared/ beside the clone): test skipped.";
    }
}

/// <summary>A temporary folder removed at the end of the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bot-test-").FullName;

    public void Dispose()
    {
        try
        {
            // The key-encryption key the app makes beside a data folder when none is configured.
            if (Directory.Exists(Path + "-keys")) Directory.Delete(Path + "-keys", recursive: true);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the OS temp cleaner will take it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
