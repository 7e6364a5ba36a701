using System.Text;
using Bot.Tests.Infrastructure;
using Bot.Web.Data;
using Bot.Web.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using Bot.Web.Feedback;

namespace Bot.Tests.Privacy;

public sealed class PersonalDataTests
{
    private const string Address = "secret-browser-id-90532";
    // Answered, so the text has no reason to be stored (questions the bot cannot answer are kept for staff, and a
    // question the bot asks about is held in the conversation until the next turn).
    private const string Text = "çalışma izni için hangi belgeler gerekiyor";
    private const string Distinctive = "hangi belgeler gerekiyor";

    [Fact]
    public async Task Addresses_are_stored_encrypted_and_message_texts_not_at_all()
    {
        using var data = new TempFolder();
        string userId;
        await using (var host = await BotHost.StartSqliteAsync(data.Path))
        {
            await host.SayAsync(Address, Text);
            var users = host.Services.GetRequiredService<UserDirectory>();
            userId = await users.IdOfAsync("webchat", Address);
            Assert.Matches("^[0-9a-f]{32}$", userId);
            Assert.Equal(Address, await users.AddressOfAsync(userId));

            var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            var user = await db.BotUsers.SingleAsync();
            Assert.Equal(userId, user.Id);
            Assert.DoesNotContain(Address, user.ProtectedAddress, StringComparison.Ordinal);
            Assert.All(await db.State.Select(s => s.Key + s.Data).ToListAsync(), row =>
            {
                Assert.DoesNotContain(Address, row, StringComparison.Ordinal);
                Assert.DoesNotContain(Distinctive, row, StringComparison.Ordinal);
            });
        }

        // Nothing in the database files (including the write-ahead log) holds the address or the text in clear.
        foreach (var file in Directory.GetFiles(data.Path, "bot.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Address)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Distinctive)));
        }
    }

    [Fact]
    public async Task The_question_a_clarification_waits_on_is_kept_encrypted_in_the_conversation_state()
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        var knowledge = host.Services.GetRequiredService<Bot.Web.Knowledge.KnowledgeService>();
        string[] tries = ["kurs", "kurs parası", "başvuru", "belge", "izin", "ev", "destek", "eğitim", "para", "kart", "merkez"];
        var question = tries.First(t => knowledge.Match(t).Kind == Bot.Web.Knowledge.MatchKind.Clarify);
        var ask = await host.SayAsync("clarified", question);
        Assert.Equal("kb:none", ask[^1].SuggestedActions[^1].Value);

        var factory = host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var rows = await db.State.Select(s => s.Data).ToListAsync();
            var conversation = Assert.Single(rows, r => r.Contains("Clarification", StringComparison.Ordinal));
            Assert.DoesNotContain("\"" + question + "\"", conversation, StringComparison.Ordinal);
            Assert.DoesNotContain("\"Question\"", conversation, StringComparison.Ordinal);
        }

        // Still recorded for staff, with its text, when none of the offered entries was meant.
        await host.SayAsync("clarified", value: "kb:none");
        var userId = await host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", BotHost.WebChatId("clarified"));
        await using (var db = await factory.CreateDbContextAsync())
        {
            var item = await db.Unanswered.SingleAsync(u => u.UserId == userId);
            Assert.Equal(question, item.Text);
        }
    }

    [Fact]
    public async Task Logs_at_information_and_above_hold_no_message_text_or_address()
    {
        using var data = new TempFolder();
        var logs = new LogSink();
        await using (var host = await BotHost.StartSqliteAsync(data.Path, logs))
        {
            await host.SayAsync(Address, Text);
            await host.SayAsync(Address, "السلام عليكم رقم هاتفي 05321234567");
        }
        var visible = logs.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.NotEmpty(visible);
        Assert.All(visible, e =>
        {
            Assert.DoesNotContain(Address, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Distinctive, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("05321234567", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_same_address_on_another_channel_is_another_user_and_ids_are_stable_across_restarts()
    {
        using var data = new TempFolder();
        string first;
        await using (var host = await BotHost.StartSqliteAsync(data.Path))
        {
            var users = host.Services.GetRequiredService<UserDirectory>();
            first = await users.IdOfAsync("webchat", "+905321234567");
            Assert.NotEqual(first, await users.IdOfAsync("telegram", "+905321234567"));
        }
        await using (var host = await BotHost.StartSqliteAsync(data.Path))
        {
            Assert.Equal(first, await host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", "+905321234567"));
        }
    }

    [Theory]
    [InlineData("+90 532 123 45 34", "+90 5** *** ** 34")]
    [InlineData("whatsapp:+905321234534", "whatsapp:+905*******34")]
    [InlineData("123456789", "*******89")]
    [InlineData("w-Qm9uIGpvdXIgbGUgbW9uZGU", "*-*********************GU")]
    [InlineData("web-1b4e28ba-2fa1-11d2-883f-0016a5d4c3f2", "***-********-****-****-****-**********f2")]
    public void Addresses_are_masked_for_display(string address, string masked) =>
        Assert.Equal(masked, PrivacySetup.Mask(address));
}
