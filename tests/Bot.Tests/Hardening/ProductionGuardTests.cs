using System.Diagnostics;
using Bot.Tests.Infrastructure;
using Xunit;

namespace Bot.Tests.Hardening;

/// <summary>A deployment (Production) with the developer defaults is refused at start, naming each thing to set.</summary>
public sealed class ProductionGuardTests
{
    private static async Task<(int ExitCode, string Errors)> RunAsync(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Bot.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments]) { WorkingDirectory = Repo.Root, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        _ = await stdout;
        return (process.ExitCode, await stderr);
    }

    [Fact]
    public async Task Production_with_the_developer_defaults_exits_naming_what_to_set()
    {
        using var data = new TempFolder();
        var (code, errors) = await RunAsync("--Database:DataFolder=data", "--Twilio:AccountSid=AC0123456789abcdef0123456789abcdef",
            "--Twilio:AuthToken=token", "--Twilio:WhatsAppFrom=whatsapp:+14155238886", "--Twilio:PublicBaseUrl=http://bot.example.org",
            "--Staff:TimeZone=Europe/Istanbul", "--Centres:adana:Address=<address>");
        Assert.Equal(2, code);
        Assert.Contains("Configuration error", errors, StringComparison.Ordinal);
        Assert.Contains("Database:DataFolder must be an absolute folder", errors, StringComparison.Ordinal);
        Assert.Contains("Security:PseudonymKey must be set", errors, StringComparison.Ordinal);
        Assert.Contains("Security:KeyEncryptionKey must be set", errors, StringComparison.Ordinal);
        Assert.Contains("Twilio:PublicBaseUrl must be an https:// address", errors, StringComparison.Ordinal);
        Assert.Contains("Centres:adana:Address still holds the placeholder", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("token", errors.Replace("Token", "", StringComparison.Ordinal), StringComparison.Ordinal); // no secret echoed
    }
}
