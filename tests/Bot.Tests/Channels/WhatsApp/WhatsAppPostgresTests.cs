using System.Net;
using Bot.Tests.Infrastructure;
using Bot.Web.Channels;
using Bot.Web.Channels.WhatsApp;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>Two app instances sharing one PostgreSQL database (a multi-instance deployment behind a load balancer).</summary>
[Collection(PostgresCollection.Name)]
public sealed class WhatsAppPostgresTests(PostgresServer server) : WhatsAppTestHost
{
    private string? _connectionString;
    private BotHost? _second;

    protected override async Task<BotHost> StartWithAsync(Dictionary<string, string?> settings)
    {
        _connectionString ??= await server.CreateDatabaseAsync();
        settings["Database:Provider"] = "Postgres";
        settings["ConnectionStrings:Bot"] = _connectionString;
        return await BotHost.StartAsync(settings, Logs);
    }

    public override async Task DisposeAsync()
    {
        if (_second is not null) await _second.DisposeAsync();
        await base.DisposeAsync();
    }

    [PostgresFact]
    public async Task A_message_delivered_to_both_instances_is_answered_once_and_one_senders_messages_in_order()
    {
        var first = Host;
        _second = await StartHostAsync();
        const string phone = "+905321119999";
        var form = Inbound(phone, "merhaba");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri((i % 2 == 0 ? first : _second).BaseAddress, "/api/whatsapp"))
            {
                Content = new FormUrlEncodedContent(form),
            };
            request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", form));
            using var client = new HttpClient();
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await Api.WaitForAsync(api => api.Delivered(phone).Count >= 2);
        await TurnsOverAsync(); // both instances share the database: one stored message, its turn over
        var greeting = Api.Delivered(phone).Count;
        Assert.Equal(2, greeting); // greeting + the welcome's consent question, once across both instances

        // Three messages of one sender, alternating instances: each is handled once, in the order sent.
        var questions = new[] { "menü", "1", "menü" };
        for (var i = 0; i < questions.Length; i++)
        {
            Host = i % 2 == 0 ? first : _second;
            using var response = await PostAsync("/api/whatsapp", Inbound(phone, questions[i]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Host = first;
        await Api.WaitForAsync(api => api.Delivered(phone).Count >= greeting + 4, seconds: 30);
        await TurnsOverAsync(1 + questions.Length);
        var replies = Api.Delivered(phone).Skip(greeting).Select(m => m.Body!).ToList();
        Assert.Equal(4, replies.Count); // "left the welcome" + menu, the ask prompt, the menu
        var texts = first.Services.GetRequiredService<Bot.Web.Localization.BotContent>().Texts;
        Assert.Equal(texts.Get("tr", Bot.Web.Localization.TextKeys.AskPrompt), replies[2]); // "1" answered the menu before it
        await using var db = await first.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        Assert.All(await db.Inbound.ToListAsync(), u => Assert.Equal(InboundStatus.Handled, u.Status));
    }

    [PostgresFact]
    public async Task Status_reports_to_different_instances_never_move_a_message_back()
    {
        _second = await StartHostAsync();
        const string sid = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var log = Host.Services.GetRequiredService<DeliveryLog>();
        await log.RecordAsync(WhatsAppAdapter.ChannelId, sid, "queued", null, userId: "u1");
        var reports = new[] { "delivered", "sent", "read", "sent", "delivered" };
        await Task.WhenAll(reports.Select((status, i) => Post(i % 2 == 0 ? Host : _second, sid, status)));
        Assert.Equal("read", (await log.FindAsync(WhatsAppAdapter.ChannelId, sid))!.Status);
    }

    private async Task Post(BotHost host, string sid, string status)
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = status, ["AccountSid"] = AccountSid };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/api/whatsapp/status")) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp/status", form));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
