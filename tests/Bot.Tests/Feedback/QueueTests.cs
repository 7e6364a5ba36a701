using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Tests.Staff;
using Bot.Web.Feedback;
using Bot.Web.Staff;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Feedback;

/// <summary>The staff queue through the real host: recording, grouping, answering back on each channel, teaching, scope, retention.</summary>
public sealed class QueueTests : QueueTestHost
{
    // Questions the knowledge base does not cover (it abstains), about the same matter in two languages.
    private const string TicketTr = "Almanyaya ucak bileti nasil alabilirim, gaziantepten";
    private const string TicketAr = "كيف بقدر احجز تذكرة طيران لالمانيا من عنتاب";
    private const string Unrelated = "kiraladığım evin elektrik faturası çok yüksek geldi, gaziantep";

    [Fact]
    public async Task An_abstained_question_appears_in_the_queue_with_category_candidates_and_no_address()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        var group = await GroupWithAsync("ucak bileti");
        var item = Assert.Single(group.GetProperty("items").EnumerateArray());
        Assert.Equal("whatsapp", item.GetProperty("channel").GetString());
        Assert.Equal("tr", item.GetProperty("language").GetString());
        Assert.Equal("gaziantep", item.GetProperty("centreId").GetString());
        Assert.Equal("new", item.GetProperty("status").GetString());
        Assert.Equal("question", item.GetProperty("type").GetString());
        Assert.Contains(item.GetProperty("category").GetString(), QueueCategories.All);
        Assert.True(item.GetProperty("candidates").GetArrayLength() > 0, "the bot's nearest entries are kept for staff");
        Assert.DoesNotContain("5321234534", group.GetRawText());
    }

    [Fact]
    public async Task Similar_Turkish_and_Arabic_questions_form_one_group_and_one_answer_reaches_both_askers_on_their_channels()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        await TelegramSaysAsync(4242, TicketAr);
        await WhatsAppSaysAsync("+905329876512", Unrelated);

        var group = await GroupWithAsync("ucak bileti");
        var items = group.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["ar", "tr"], group.GetProperty("group").GetProperty("languages").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.DoesNotContain(items, i => i.GetProperty("text").GetString() == Unrelated);

        var id = group.GetProperty("group").GetProperty("id").GetInt64();
        using var missing = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/answer", new { texts = new { tr = "Bilet için havayolu şirketine başvurun." } });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode); // the Arabic answer is missing
        Assert.Contains("text-ar", await missing.Content.ReadAsStringAsync());

        var telegramBefore = Telegram.Sent("sendMessage", 4242).Count;
        using var answered = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/answer", new
        {
            texts = new { tr = "Bilet için havayolu şirketlerine başvurmanız gerekir; merkezimiz bilet satmaz.", ar = "لحجز التذكرة تواصل مع شركات الطيران، المركز لا يبيع تذاكر." },
        });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(2, (await answered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        // Sent through the outbox, not within the staff request: each item's delivery column follows its row.
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(async () =>
            (await GroupAsync(id)).GetProperty("items").EnumerateArray().All(i => i.GetProperty("delivery").GetString() == "sent")));

        var arabic = Telegram.Sent("sendMessage", 4242).Skip(telegramBefore).Single().GetProperty("text").GetString()!;
        Assert.Contains("المركز لا يبيع تذاكر", arabic);
        Assert.Contains(TicketAr, arabic); // the answer says which question it answers
        var turkish = Twilio.Delivered("+905321234534")[^1].Body!;
        Assert.Contains("merkezimiz bilet satmaz", turkish);
        Assert.Contains(TicketTr, turkish);

        var after = await GroupAsync(id);
        Assert.All(after.GetProperty("items").EnumerateArray(), i =>
        {
            Assert.Equal("answered", i.GetProperty("status").GetString());
            Assert.Equal("sent", i.GetProperty("delivery").GetString());
            Assert.StartsWith("api-key:admin robot", i.GetProperty("answeredBy").GetString());
        });
    }

    [Fact]
    public async Task A_WhatsApp_asker_outside_the_24_hour_window_gets_the_approved_template()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        var id = (await GroupWithAsync("ucak bileti")).GetProperty("group").GetProperty("id").GetInt64();
        Clock.Advance(TimeSpan.FromHours(25));
        var before = Twilio.Delivered("+905321234534").Count;
        using var answered = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/answer", new { texts = new { tr = "Havayolu şirketlerine başvurun." } });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(() => Task.FromResult(Twilio.Delivered("+905321234534").Count > before)));
        var sent = Twilio.Delivered("+905321234534").Skip(before).Single();
        Assert.Equal(StaffAnswerTemplateTr, sent.Fields["ContentSid"]);
        using var variables = JsonDocument.Parse(sent.Fields["ContentVariables"]);
        Assert.Equal(TicketTr, variables.RootElement.GetProperty("1").GetString());
        Assert.Equal("Havayolu şirketlerine başvurun.", variables.RootElement.GetProperty("2").GetString());
    }

    [Fact]
    public async Task Teaching_a_groups_phrasing_makes_the_next_identical_question_answered_at_once()
    {
        const string question = "kursta öğle yemeği çıkıyor mu";
        var first = await Host.SayAsync("web-teach", question);
        var id = (await GroupWithAsync("yemeği")).GetProperty("group").GetProperty("id").GetInt64();

        using var taught = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/teach", new { entryId = "course-schedule" });
        Assert.Equal(HttpStatusCode.OK, taught.StatusCode);
        var effect = Assert.Single((await taught.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.True(effect.GetProperty("nowAnswered").GetBoolean());

        var again = await Host.SayAsync("web-teach-2", question);
        var schedule = File.ReadAllText(Path.Combine(Content.Path, "localization", "knowledge", "course-schedule.yaml"));
        Assert.Contains(question, schedule);
        Assert.Contains(again, r => r.Text.Length > 40 && schedule.Contains(r.Text[..30], StringComparison.Ordinal));
        Assert.Contains("course-schedule\ttr\t" + question, File.ReadAllText(Path.Combine(Content.Path, "localization", KnowledgeTeacher.TaughtSet)));
        Assert.NotEqual(first.Select(r => r.Text), again.Select(r => r.Text));
    }

    [Fact]
    public async Task A_new_entry_needs_both_languages_and_then_answers_the_groups_question()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        var id = (await GroupWithAsync("ucak bileti")).GetProperty("group").GetProperty("id").GetInt64();
        var entry = new
        {
            id = "flight-tickets", category = "information",
            tr = new { title = "Uçak bileti", answer = "Merkezlerimiz uçak bileti satmaz; havayolu şirketlerine başvurun." },
            ar = new { title = "", answer = "" },
        };
        using var incomplete = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/teach", new { newEntry = entry });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var problem = await incomplete.Content.ReadAsStringAsync();
        Assert.Contains("title-ar", problem);
        Assert.Contains("answer-ar", problem);
        Assert.False(File.Exists(Path.Combine(Content.Path, "localization", "knowledge", "flight-tickets.yaml")));

        using var created = await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/teach", new
        {
            newEntry = entry with { ar = new { title = "تذاكر الطيران", answer = "المراكز لا تبيع تذاكر طيران؛ تواصل مع شركات الطيران." } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var replies = await Host.SayAsync("web-new-entry", TicketTr);
        Assert.Contains(replies, r => r.Text.Contains("uçak bileti satmaz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_of_another_centre_can_neither_see_nor_answer_a_group_but_its_own_centre_can()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        var id = (await GroupWithAsync("ucak bileti")).GetProperty("group").GetProperty("id").GetInt64();
        using var hatay = Host.ApiClient(await Host.ApiKeyAsync("hatay robot", StaffRoles.Staff, "hatay"));
        Assert.Equal(0, (await GroupsAsync(hatay)).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await hatay.GetAsync($"/api/staff/queue/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hatay.PostAsJsonAsync($"/api/staff/queue/{id}/answer", new { texts = new { tr = "x" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hatay.PostAsJsonAsync($"/api/staff/queue/{id}/dismiss", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await hatay.GetAsync("/api/staff/queue?centre=gaziantep")).StatusCode);
        var csv = await hatay.GetStringAsync("/api/staff/reports/items.csv");
        Assert.DoesNotContain("ucak bileti", csv);

        using var antep = Host.ApiClient(await Host.ApiKeyAsync("antep robot", StaffRoles.Staff, "gaziantep"));
        Assert.Equal(1, (await GroupsAsync(antep)).GetArrayLength());
        Assert.Contains("ucak bileti", await antep.GetStringAsync("/api/staff/reports/items.csv"));
        Assert.DoesNotContain("5321234534", await antep.GetStringAsync("/api/staff/reports/items.csv"));
    }

    [Fact]
    public async Task Dismissing_needs_a_reason_assigning_and_correcting_the_category_are_kept_and_all_is_audited()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        var id = (await GroupWithAsync("ucak bileti")).GetProperty("group").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/dismiss", new { reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/classify", new { category = "weather", type = "question" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/classify", new { category = "out-of-scope", type = "question" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/assign", new { to = "ayse@example.org" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/note", new { note = "ask the airline desk" })).StatusCode);
        var item = (await GroupAsync(id)).GetProperty("items")[0];
        Assert.Equal("out-of-scope", item.GetProperty("category").GetString());
        Assert.Equal("in-progress", item.GetProperty("status").GetString());
        Assert.Equal("ayse@example.org", item.GetProperty("assignedTo").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/dismiss", new { reason = "not a centre matter" })).StatusCode);
        Assert.Equal("dismissed", (await GroupAsync(id)).GetProperty("items")[0].GetProperty("status").GetString());
        var audit = (await Admin.GetFromJsonAsync<JsonElement>("/api/staff/audit")).EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Contains("queue-classified", audit);
        Assert.Contains("queue-assigned", audit);
        Assert.Contains("queue-dismissed", audit);
    }

    [Fact]
    public async Task A_handover_conversation_gets_staff_replies_through_the_bot_and_is_handed_back()
    {
        await Host.SayAsync("web-handover", "merhaba");
        await Host.SayAsync("web-handover", "menü");
        await Host.SayAsync("web-handover", value: "menu:staff");
        await Host.SayAsync("web-handover", "kira yardımı için biriyle konuşmak istiyorum");
        await Host.SayAsync("web-handover", "Gaziantep");
        var first = await Host.SayAsync("web-handover", "ev sahibi beni çıkarmak istiyor");
        Assert.Contains("personele iletildi", Assert.Single(first).Text, StringComparison.Ordinal); // acknowledged once
        var quiet = await Host.SayAsync("web-handover", "acil bir durum");
        Assert.Empty(quiet); // handed over: the bot stays quiet and passes it on

        var conversations = await Admin.GetFromJsonAsync<JsonElement>("/api/staff/conversations");
        var row = Assert.Single(conversations.EnumerateArray());
        Assert.True(row.GetProperty("open").GetBoolean());
        var person = row.GetProperty("userId").GetString();
        var messages = await Admin.GetFromJsonAsync<JsonElement>($"/api/staff/conversations/{person}");
        Assert.Equal(3, messages.GetArrayLength()); // the request and the two messages written while waiting

        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/conversations/{person}/reply", new { text = "Merhaba, yarın sizi arayacağız." })).StatusCode);
        // The reply goes through the outbox into the web chat's mailbox ("waiting" for staff), and once the page has
        // fetched it, staff see "delivered".
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(async () => await ReplyDeliveryAsync(person!) == "waiting"));
        var waiting = await Host.Client.GetFromJsonAsync<JsonElement>("/api/webchat/messages?userId=" + BotHost.WebChatId("web-handover"));
        Assert.Equal("Merhaba, yarın sizi arayacağız.", waiting.GetProperty("replies")[0].GetProperty("text").GetString());
        Assert.Equal(0, (await Host.Client.GetFromJsonAsync<JsonElement>("/api/webchat/messages?userId=" + BotHost.WebChatId("web-handover"))).GetProperty("replies").GetArrayLength());
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(async () => await ReplyDeliveryAsync(person!) == "delivered"));

        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync($"/api/staff/conversations/{person}/hand-back", null)).StatusCode);
        Assert.True(await Bot.Tests.Hardening.Webhooks.WaitAsync(async () =>
            (await Host.Services.GetRequiredService<Bot.Web.Outbox.OutboxStore>().ProgressAsync(QueueDelivery.EndedKind, [0], CancellationToken.None))
                .TryGetValue(0, out var ended) && ended.Sent == 1));
        var back = await Host.SayAsync("web-handover", "çalışma izni için hangi belgeler gerekiyor");
        Assert.Contains(back, r => r.Text.Contains("Personel görüşmesi kapandı", StringComparison.Ordinal)); // the waiting notice comes first
        Assert.True(back.Count >= 2, "the bot answers again");
        Assert.False((await Admin.GetFromJsonAsync<JsonElement>("/api/staff/conversations"))[0].GetProperty("open").GetBoolean());
    }

    /// <summary>#21: "I lost my kimlik card in Gaziantep" written in Turkish and in Arabic, one group for staff.</summary>
    [Fact]
    public async Task A_lost_kimlik_asked_in_Turkish_and_in_Arabic_is_one_group()
    {
        await Host.SayAsync("web-kimlik-tr", "Gaziantep'te kimlik kartımı kaybettim, ne yapmalıyım?");
        await Host.SayAsync("web-kimlik-ar", "فقدت بطاقة الكيمليك في غازي عنتاب");
        var group = await GroupWithAsync("kimlik kartımı");
        var texts = group.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.Contains("الكيمليك", StringComparison.Ordinal));
    }

    /// <summary>The delivery column staff see for their latest reply in the person's handover conversation.</summary>
    private async Task<string?> ReplyDeliveryAsync(string person)
    {
        var messages = (await Admin.GetFromJsonAsync<JsonElement>($"/api/staff/conversations/{person}")).EnumerateArray().ToList();
        return messages.LastOrDefault(m => m.GetProperty("reason").GetString() == QueueReason.HandoverReply) is { ValueKind: JsonValueKind.Object } reply
            ? reply.GetProperty("delivery").GetString()
            : null;
    }

    [Fact]
    public async Task Retention_removes_texts_of_items_resolved_long_ago_and_keeps_their_counts()
    {
        await WhatsAppSaysAsync("+905321234534", TicketTr);
        await WhatsAppSaysAsync("+905329876512", Unrelated);
        var id = (await GroupWithAsync("ucak bileti")).GetProperty("group").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/staff/queue/{id}/dismiss", new { reason = "not a centre matter" })).StatusCode);
        var retention = Host.Services.GetRequiredService<QueueRetention>();
        Assert.Equal(0, await retention.RunOnceAsync());

        Clock.Advance(TimeSpan.FromDays(181));
        Assert.Equal(1, await retention.RunOnceAsync());
        var item = (await GroupAsync(id)).GetProperty("items")[0];
        Assert.Equal("", item.GetProperty("text").GetString());
        Assert.Equal(FeedbackRecorder.AnonymousUser, item.GetProperty("userId").GetString());
        Assert.Null(item.GetProperty("dismissReason").GetString());
        // The open item of the same age keeps its text: it still needs an answer.
        Assert.Contains(Unrelated, (await GroupWithAsync("elektrik")).GetRawText());
        var report = await Admin.GetFromJsonAsync<JsonElement>("/api/staff/reports");
        Assert.Equal(2, report.GetProperty("byChannel").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "whatsapp").GetProperty("value").GetInt32());
    }
}
