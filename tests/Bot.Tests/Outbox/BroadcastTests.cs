using System.Text.Json;
using Bot.Tests.Infrastructure;
using Bot.Web.Outbox;
using Xunit;

namespace Bot.Tests.Outbox;

/// <summary>A course announced to its subscribers on both channels, as they receive it.</summary>
public sealed class BroadcastTests : OutboxTestHost
{
    [Fact]
    public async Task Every_subscriber_gets_the_announcement_once_in_their_language_and_whatsapp_outside_the_window_gets_the_template()
    {
        await TelegramSubscriberAsync(71234567, language: "tr");
        await TelegramSubscriberAsync(71234568, language: "ar");
        await WhatsAppSubscriberAsync("+905320000001", language: "tr", lastWrote: TimeSpan.FromHours(1));
        await WhatsAppSubscriberAsync("+905320000002", language: "ar", lastWrote: TimeSpan.FromDays(3));
        var course = await CourseAsync();

        var announcement = await AnnounceAsync(course);
        var rows = await WaitForRowsAsync(announcement.Id, Settled);

        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.All(rows, r => Assert.NotNull(r.ProviderMessageId));
        var turkish = Assert.Single(Telegram.Sent("sendMessage", 71234567)).GetProperty("text").GetString()!;
        Assert.Contains("Dikiş ve nakış kursu", turkish, StringComparison.Ordinal);
        Assert.Contains("Harçlık: 150 TL (devam edilen her gün için)", turkish, StringComparison.Ordinal);
        Assert.Contains("Pzt, Çar 10:00-13:00", turkish, StringComparison.Ordinal);
        var arabic = Assert.Single(Telegram.Sent("sendMessage", 71234568)).GetProperty("text").GetString()!;
        Assert.Contains("دورة الخياطة والتطريز", arabic, StringComparison.Ordinal);

        // Inside the 24-hour window: the text itself. Outside: the approved Arabic template with the course's variables.
        Assert.Contains("Dikiş ve nakış kursu", Assert.Single(Twilio.Delivered("+905320000001")).Body, StringComparison.Ordinal);
        var template = Assert.Single(Twilio.Delivered("+905320000002"));
        Assert.Equal(TemplateAr, template.Fields["ContentSid"]);
        Assert.False(template.Fields.ContainsKey("Body"));
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(template.Fields["ContentVariables"])!;
        Assert.Equal("دورة الخياطة والتطريز", variables["1"]);
        Assert.Equal(course.ApplicationDeadline.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture), variables["4"]);

        // Nothing personal and no message text in the logs at Information and above.
        var logged = Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Message).ToList();
        Assert.DoesNotContain(logged, m => m.Contains("905320000001", StringComparison.Ordinal) || m.Contains("71234567", StringComparison.Ordinal)
            || m.Contains("Dikiş", StringComparison.Ordinal) || m.Contains("الخياطة", StringComparison.Ordinal));
    }
}
