using System.Net;
using System.Net.Sockets;
using Bot.Tests.Infrastructure;
using Bot.Web;
using Bot.Web.Cli;
using Bot.Web.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Operations;

/// <summary>
/// The verbs are found wherever they stand after the options (a word that is neither is an error, never the web
/// server started by mistake), and a host that never started is disposed without an exception.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string[], CommandLine.Kind> Lines => new()
    {
        { [], CommandLine.Kind.WebHost },
        { ["--urls", "http://0.0.0.0:8080"], CommandLine.Kind.WebHost },
        { ["--urls=http://0.0.0.0:8080", "--environment", "Development"], CommandLine.Kind.WebHost },
        { ["Telegram:Mode=Polling"], CommandLine.Kind.WebHost },
        { ["/Database:Provider", "Sqlite"], CommandLine.Kind.WebHost },
        { ["staff", "add-admin", "a@example.org"], CommandLine.Kind.Verb },
        { ["--urls", "x", "staff", "add-admin", "a@example.org"], CommandLine.Kind.Verb },
        { ["--Database:Provider=Sqlite", "migrate"], CommandLine.Kind.Verb },
        { ["somearg", "staff", "add-admin", "a@example.org"], CommandLine.Kind.Unknown },
        { ["--urls", "x", "stafff", "add-admin"], CommandLine.Kind.Unknown },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_command_line_is_the_web_host_a_verb_or_an_error(string[] args, CommandLine.Kind kind) =>
        Assert.Equal(kind, CommandLine.Classify(args));

    [Fact]
    public async Task A_verb_after_options_with_values_runs_with_those_options()
    {
        using var data = new TempFolder();
        var exit = await CommandLine.RunAsync(["--urls", "http://127.0.0.1:1", "staff", "add-admin", "first@example.org", "--Database:DataFolder", data.Path],
            b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Content:Root"] = Repo.Root,
                ["Security:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), // Production needs it
            }));
        Assert.Equal(0, exit);
        var options = new DbContextOptionsBuilder<SqliteBotDbContext>().UseSqlite($"Data Source={Path.Combine(data.Path, "bot.db")};Pooling=false").Options;
        await using var db = new SqliteBotDbContext(options);
        Assert.Single(await db.Set<Bot.Web.Access.StaffUser>().Where(u => u.Email == "first@example.org").ToListAsync());
    }

    [Fact]
    public async Task An_unknown_word_before_a_verb_is_an_error_naming_it()
    {
        var exit = await CommandLine.RunAsync(["somearg", "staff", "add-admin", "a@example.org"], error: new StringWriter());
        Assert.Equal(2, exit);
        var error = new StringWriter();
        await CommandLine.RunAsync(["somearg", "staff", "add-admin", "a@example.org"], error: error);
        Assert.Contains("unknown command 'somearg'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("staff add-admin", error.ToString(), StringComparison.Ordinal); // the usage lists the verbs
    }

    [Fact]
    public async Task A_host_that_cannot_bind_its_port_is_disposed_without_an_exception()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        using var data = new TempFolder();
        var app = BotApplication.Build([$"--urls=http://127.0.0.1:{port}", "--environment=Testing"], b => b.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Content:Root"] = Repo.Root, ["Database:DataFolder"] = data.Path,
                // A channel on, so that the inbox is there to be disposed.
                ["Telegram:BotToken"] = "123456:TESTTOKEN_abcdefgh", ["Telegram:WebhookSecret"] = "s", ["Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
            }));
        await BotApplication.PrepareAsync(app);
        await Assert.ThrowsAnyAsync<IOException>(() => app.StartAsync());
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_host_built_but_never_started_is_disposed_without_an_exception()
    {
        using var data = new TempFolder();
        var app = BotApplication.Build(["--environment=Testing"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Content:Root"] = Repo.Root, ["Database:DataFolder"] = data.Path,
            ["Telegram:BotToken"] = "123456:TESTTOKEN_abcdefgh", ["Telegram:WebhookSecret"] = "s", ["Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
        }));
        _ = app.Services.GetRequiredService<Bot.Web.Channels.ChannelInbox>();
        await app.DisposeAsync();
    }
}
