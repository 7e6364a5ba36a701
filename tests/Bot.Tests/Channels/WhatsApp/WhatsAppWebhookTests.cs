using System.Net;
using System.Text;
using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Channels.WhatsApp;

/// <summary>The real host receiving signed Twilio webhook posts and replying through a fake Twilio REST API.</summary>
public sealed class WhatsAppWebhookTests : WhatsAppTestHost
{
    private const string Phone = "+905321112233";

    public static TheoryData<string, HttpStatusCode, bool> Rows => new()
    {
        // row, expected HTTP status, whether the bot answers
        { "valid message", HttpStatusCode.OK, true },
        { "bad signature", HttpStatusCode.Forbidden, false },
        { "missing signature", HttpStatusCode.Forbidden, false },
        { "signature for another URL", HttpStatusCode.Forbidden, false },
        { "signature over other parameters", HttpStatusCode.Forbidden, false },
        { "missing MessageSid", HttpStatusCode.BadRequest, false },
        { "missing From", HttpStatusCode.BadRequest, false },
        { "not a form", HttpStatusCode.Forbidden, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Incoming_posts_are_verified_parsed_and_answered(string row, HttpStatusCode status, bool answered)
    {
        var form = Inbound(Phone, "çalışma izni için hangi belgeler gerekiyor");
        HttpResponseMessage response;
        switch (row)
        {
            case "bad signature":
                response = await PostAsync("/api/whatsapp", form, signature: "bm90LXRoZS1zaWduYXR1cmU=");
                break;
            case "missing signature":
                response = await PostAsync("/api/whatsapp", form, signature: null);
                break;
            case "signature for another URL":
                // What a validator deriving the URL from the request (behind the proxy) would check: not what Twilio signed.
                response = await PostAsync("/api/whatsapp", form, signedUrl: Host.BaseAddress.ToString().TrimEnd('/') + "/api/whatsapp");
                break;
            case "signature over other parameters":
                var signed = TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", form);
                form["Body"] = "changed in transit";
                response = await PostAsync("/api/whatsapp", form, signature: signed);
                break;
            case "missing MessageSid":
                form.Remove("MessageSid");
                response = await PostAsync("/api/whatsapp", form);
                break;
            case "missing From":
                form.Remove("From");
                response = await PostAsync("/api/whatsapp", form);
                break;
            case "not a form":
                using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp") { Content = new StringContent("{\"Body\":\"x\"}", Encoding.UTF8, "application/json") })
                {
                    request.Headers.Add("X-Twilio-Signature", TwilioSigner.Sign(AuthToken, PublicBase + "/api/whatsapp", new Dictionary<string, string>()));
                    response = await Host.Client.SendAsync(request);
                }
                break;
            default:
                response = await PostAsync("/api/whatsapp", form);
                break;
        }
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("<Response", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal); // empty TwiML
            }
        }
        if (answered)
        {
            await Api.WaitForAsync(api => api.Delivered(Phone).Count >= 1);
            var replies = Api.Delivered(Phone);
            Assert.Contains(replies, r => r.Body!.Contains("belge", StringComparison.OrdinalIgnoreCase));
            Assert.All(replies, r =>
            {
                Assert.Equal("whatsapp:+14155238886", r.Fields["From"]);
                Assert.Equal(PublicBase + "/api/whatsapp/status", r.Fields["StatusCallback"]);
                Assert.Equal(AccountSid, r.Account);
            });
        }
        else
        {
            // Nothing was stored before the webhook answered, and only stored messages get a turn: nothing can follow.
            Assert.Empty(Api.Messages);
            await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
            Assert.Equal(0, await db.Inbound.CountAsync());
            Assert.Equal(0, await db.BotUsers.CountAsync());
        }
    }

    [Fact]
    public async Task A_request_signed_with_a_webhook_shared_key_is_accepted_with_the_algorithm_it_names()
    {
        await Host.DisposeAsync();
        Settings["Twilio:WebhookSharedKeys:KS0001"] = "shared-key-secret";
        Host = await StartHostAsync();
        var form = Inbound(Phone, "merhaba");
        var signature = TwilioSigner.Sign("shared-key-secret", PublicBase + "/api/whatsapp", form, sha256: true);
        var header = new Dictionary<string, string> { ["X-Twilio-Webhooks-Signature-Settings"] = "key=KS0001,algorithm=HMAC_SHA256" };
        using (var ok = await PostAsync("/api/whatsapp", form, signature, headers: header))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        // The same signature under an unknown key, or checked as the Auth Token's, is refused.
        var unknownKey = new Dictionary<string, string> { ["X-Twilio-Webhooks-Signature-Settings"] = "key=KS9999,algorithm=HMAC_SHA256" };
        using (var refused = await PostAsync("/api/whatsapp", Inbound(Phone, "merhaba"), signature, headers: unknownKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var refused = await PostAsync("/api/whatsapp", form, signature))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        await Api.WaitForAsync(api => api.Delivered(Phone).Count > 0);
        Assert.NotEmpty(Api.Delivered(Phone));
    }

    [Fact]
    public async Task A_retried_MessageSid_is_processed_once_even_in_parallel_and_after_a_restart()
    {
        var form = Inbound(Phone, "çalışma izni için hangi belgeler gerekiyor");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var r = await PostAsync("/api/whatsapp", form);
            return r.StatusCode;
        }));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await TurnsOverAsync();
        var sent = Api.Delivered(Phone).Count;
        Assert.Equal(1, sent); // the answer (with the introduction), once

        await Host.DisposeAsync();
        Host = await StartHostAsync();
        using (var again = await PostAsync("/api/whatsapp", form))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        await TurnsOverAsync(); // the redelivery was not stored again: still one message, its turn long over
        Assert.Equal(sent, Api.Delivered(Phone).Count);
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var row = await db.Inbound.SingleAsync();
        Assert.Equal(InboundStatus.Handled, row.Status);
        Assert.Null(row.Payload);
    }

    [Fact]
    public async Task Choices_are_a_numbered_list_and_a_number_in_any_digits_picks_one()
    {
        await SayAsync(Phone, "merhaba", replies: 2); // the welcome
        var menu = await SayAsync(Phone, "menü", replies: 2); // left for the menu
        var text = menu[^1].Body!;
        Assert.Contains("Seçmek için numarasını yazın:", text, StringComparison.Ordinal);
        Assert.Contains("\n1. ", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        var workPermitLine = lines.Single(l => l.Contains("Çalışma izni", StringComparison.OrdinalIgnoreCase));
        var number = workPermitLine.Split('.')[0];

        var picked = await SayAsync(Phone, number);
        Assert.StartsWith("Geçici koruma kaydınızın", picked[0].Body!, StringComparison.Ordinal); // the work-permit dialog

        // The same choice in Arabic-Indic digits (what many Syrian phones type), after the menu again.
        await SayAsync(Phone, "menü", replies: 2);
        var arabicDigit = ((char)('\u0660' + int.Parse(number, System.Globalization.CultureInfo.InvariantCulture))).ToString();
        var again = await SayAsync(Phone, arabicDigit);
        Assert.Equal(picked[0].Body, again[0].Body);
    }

    [Fact]
    public async Task An_Arabic_user_sees_the_hint_in_Arabic_and_can_answer_with_the_option_text()
    {
        await SayAsync("+905330000001", "مرحبا", replies: 2);
        var menu = await SayAsync("+905330000001", "القائمة", replies: 2);
        var text = menu[^1].Body!;
        Assert.Contains("اكتب رقم الخيار الذي تريده:", text, StringComparison.Ordinal);
        var option = text.Split('\n').First(l => l.StartsWith("1. ", StringComparison.Ordinal))[3..];
        var chosen = await SayAsync("+905330000001", option);
        var texts = Host.Services.GetRequiredService<Bot.Web.Localization.BotContent>().Texts;
        Assert.Equal(texts.Get("ar", Bot.Web.Localization.TextKeys.AskPrompt), chosen[0].Body); // option 1: "ask a question"
    }

    [Theory]
    [InlineData("STOP", "tr")]
    [InlineData("dur", "tr")]
    [InlineData("İptal", "tr")]
    [InlineData("إيقاف", "ar")]
    [InlineData("الغاء الاشتراك", "ar")]
    public async Task Opt_out_words_stop_all_announcements_and_are_confirmed(string word, string language)
    {
        var phone = "+90555000" + Math.Abs(word.GetHashCode(StringComparison.Ordinal) % 10000).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
        // Outside a dialog (the welcome is left first): inside one, İPTAL only leaves the dialog.
        if (language == "ar") await SayAsync(phone, "مرحبا", replies: 2);
        else await SayAsync(phone, "merhaba", replies: 2);
        await SayAsync(phone, language == "ar" ? "القائمة" : "menü", replies: 2);
        var confirmation = await SayAsync(phone, word);
        var expected = language == "ar" ? "لن نرسل لك أي إعلانات" : "artık size duyuru göndermeyeceğiz";
        Assert.Contains(expected, confirmation[0].Body!, StringComparison.Ordinal);
        var contact = await Host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>().ContactAsync(await UserIdAsync(phone));
        Assert.NotNull(contact!.AnnouncementsStoppedAt);

        var resume = language == "ar" ? "ابدأ" : "BAŞLA";
        var resumed = await SayAsync(phone, resume);
        // Nothing was subscribed: no "announcements re-enabled" — the subscription starts (its consent question).
        Assert.Contains(language == "ar" ? "لكي نرسل لك الإعلانات" : "Duyuru gönderebilmemiz için", resumed[0].Body!, StringComparison.Ordinal);
        contact = await Host.Services.GetRequiredService<Bot.Web.Privacy.UserDirectory>().ContactAsync(await UserIdAsync(phone));
        Assert.Null(contact!.AnnouncementsStoppedAt);
    }

    [Fact]
    public async Task A_first_message_STOP_is_obeyed_and_confirmed_in_both_languages()
    {
        var confirmation = await SayAsync("+905550009999", "STOP");
        Assert.Contains("duyuru göndermeyeceğiz", confirmation[0].Body!, StringComparison.Ordinal);
        Assert.Contains("لن نرسل لك أي إعلانات", confirmation[0].Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_without_text_gets_a_polite_reply_in_the_users_language()
    {
        const string phone = "+905551234567";
        await SayAsync(phone, "مرحبا", replies: 2);
        var form = Inbound(phone, "");
        form["NumMedia"] = "1";
        form["MediaContentType0"] = "image/jpeg";
        form["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1";
        var before = Api.Delivered(phone).Count;
        using (var response = await PostAsync("/api/whatsapp", form))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Api.WaitForAsync(api => api.Delivered(phone).Count > before);
        Assert.Contains("الرسائل المكتوبة فقط", Api.Delivered(phone)[before].Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_my_data_on_WhatsApp_confirms_and_forgets_the_number()
    {
        const string phone = "+905557778899";
        await SayAsync(phone, "merhaba", replies: 2);
        await SayAsync(phone, "menü", replies: 2);
        var data = await SayAsync(phone, "Verilerim", replies: 2);
        Assert.Contains("Sizin hakkınızda sakladıklarımız", data[0].Body!, StringComparison.Ordinal);
        await SayAsync(phone, "1"); // delete
        var done = await SayAsync(phone, "evet");
        Assert.Contains("Verileriniz silindi", done[0].Body!, StringComparison.Ordinal);
        await using var db = await Host.Services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync();
        var id = await UserIdAsync(phone);
        await TurnsOverAsync(); // the confirmation goes out before the turn has finished (and saved its state)
        Assert.False(await db.BotUsers.AnyAsync(u => u.Id == id));
        Assert.False(await db.State.AnyAsync(s => s.Key.Contains(id)));
        Assert.False(await db.Outbound.AnyAsync(m => m.UserId == id));
    }

    /// <summary>
    /// Every file in the data folder, read together. SQLite removes its -wal and -shm files when the last connection
    /// closes (another test clearing the connection pools can cause that at any moment): then the folder is read again.
    /// </summary>
    private async Task<string> DataFilesAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var contents = new StringBuilder();
                foreach (var file in Directory.GetFiles(Data.Path, "*", SearchOption.AllDirectories))
                {
                    contents.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
                }
                return contents.ToString();
            }
            catch (FileNotFoundException) when (attempt < 5)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task The_phone_number_is_never_stored_or_logged_in_clear()
    {
        await SayAsync(Phone, "çalışma izni için hangi belgeler gerekiyor", replies: 2);
        await Host.DisposeAsync();
        Host = await StartHostAsync();
        var digits = Phone.TrimStart('+');
        Assert.DoesNotContain(digits, await DataFilesAsync(), StringComparison.Ordinal);
        Assert.NotEmpty(Logs.Entries);
        Assert.All(Logs.Entries, e =>
        {
            Assert.DoesNotContain(AuthToken, e.Message + e.Exception, StringComparison.Ordinal);
            Assert.DoesNotContain(digits, e.Message + e.Exception, StringComparison.Ordinal);
        });
        Assert.All(Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information),
            e => Assert.DoesNotContain("belgeler", e.Message, StringComparison.Ordinal));
    }
}
