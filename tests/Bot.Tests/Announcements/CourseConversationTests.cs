using Bot.Tests.Outbox;
using Bot.Web.Announcements;
using Bot.Web.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bot.Tests.Announcements;

/// <summary>Open courses in what users read: the knowledge base's list of courses and the eligibility dialog (web chat, real HTTP).</summary>
public sealed class CourseConversationTests : OutboxTestHost
{
    private async Task<string> Text(string user, string? text = null, string? value = null) =>
        string.Join("\n", (await Host.SayAsync(user, text, value)).Select(r => r.Text));

    /// <summary>Through the welcome with consent, in Turkish, without a centre.</summary>
    private async Task WelcomedAsync(string user)
    {
        await Host.SayAsync(user, "merhaba");
        await Host.SayAsync(user, "evet");
        await Host.SayAsync(user, "1");
        await Host.SayAsync(user, "geç");
    }

    [Fact]
    public async Task The_list_of_upcoming_courses_shows_the_open_ones_and_not_the_closed()
    {
        await Host.CourseAsync();
        await Host.CourseAsync(c => c.TitleTr = "Türkçe A1", centre: "kilis");
        await Host.CourseAsync(c =>
        {
            c.TitleTr = "Kapanmış kurs";
            c.StartDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-30));
            c.ApplicationDeadline = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-2));
        });
        await WelcomedAsync("list-user");

        var answer = await Text("list-user", value: "kb:course-upcoming");
        Assert.Contains("Dikiş ve nakış kursu (Gaziantep Toplum Merkezi):", answer, StringComparison.Ordinal);
        Assert.Contains("Türkçe A1 (Kilis Toplum Merkezi):", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Kapanmış kurs", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Şu anda listede açık kurs yok", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_eligibility_dialog_lists_the_open_courses_that_fit_with_schedule_and_stipend_and_remembers_the_answers_with_consent()
    {
        await Host.CourseAsync(c => c.LegalStatuses = [LegalStatuses.TemporaryProtection]);
        await Host.CourseAsync(c =>
        {
            c.TitleTr = "Kadınlar için girişimcilik";
            c.Gender = CourseGenders.Women;
            c.HasStipend = false;
        });
        await Host.CourseAsync(c =>
        {
            c.TitleTr = "Vatandaşlar için kurs";
            c.LegalStatuses = [LegalStatuses.Citizen];
        });
        await WelcomedAsync("fit-user");

        await Text("fit-user", value: "menu:eligibility");
        await Text("fit-user", "kimlik");
        await Text("fit-user", "otuz");
        var result = await Text("fit-user", "Antep");

        Assert.Contains("Gaziantep Toplum Merkezi için şu anda açık ve size uygun kurslar:", result, StringComparison.Ordinal);
        Assert.Contains("• Dikiş ve nakış kursu", result, StringComparison.Ordinal);
        Assert.Contains("Pzt, Çar 10:00-13:00", result, StringComparison.Ordinal);
        Assert.Contains("💰 Harçlık: 150 TL (devam edilen her gün için)", result, StringComparison.Ordinal);
        Assert.Contains("• Kadınlar için girişimcilik", result, StringComparison.Ordinal);
        Assert.Contains("yalnızca kadınlar", result, StringComparison.Ordinal);
        Assert.Contains("💰 Harçlık yok", result, StringComparison.Ordinal);
        Assert.DoesNotContain("Vatandaşlar için kurs", result, StringComparison.Ordinal);

        var userId = await Host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", "fit-user");
        var contact = (await Host.Services.GetRequiredService<UserDirectory>().ContactAsync(userId))!;
        Assert.Equal((LegalStatuses.TemporaryProtection, DateTimeOffset.UtcNow.Year - 30), (contact.LegalStatus, contact.BirthYear));
        await Text("fit-user", "hayır"); // no subscription offer
        var myData = await Text("fit-user", value: "menu:my-data");
        Assert.Contains($"Kurs uygunluğu için verdiğiniz bilgiler: Geçici koruma (kimlik 99 ile başlar), doğum yılı yaklaşık {DateTimeOffset.UtcNow.Year - 30}", myData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_open_courses_do_not_fit_the_dialog_says_so_and_gives_the_general_rules_and_nothing_is_kept_without_consent()
    {
        await Host.CourseAsync(c =>
        {
            c.LegalStatuses = [LegalStatuses.TemporaryProtection];
            c.MaxAge = 29;
        });
        await Host.SayAsync("no-fit", "merhaba");
        await Host.SayAsync("no-fit", "hayır"); // no consent
        await Host.SayAsync("no-fit", "1");
        await Host.SayAsync("no-fit", "geç");

        await Text("no-fit", value: "menu:eligibility");
        await Text("no-fit", "kimlik");
        await Text("no-fit", "45");
        var result = await Text("no-fit", "Gaziantep");

        Assert.Contains("Şu anda açık kurslar var ama verdiğiniz bilgilere uygun olanı yok.", result, StringComparison.Ordinal);
        Assert.Contains("Meslek kursları hem göçmenlere hem yerel halka açıktır", result, StringComparison.Ordinal); // the general rules
        Assert.DoesNotContain("Dikiş ve nakış kursu", result, StringComparison.Ordinal);
        var userId = await Host.Services.GetRequiredService<UserDirectory>().IdOfAsync("webchat", "no-fit");
        var contact = (await Host.Services.GetRequiredService<UserDirectory>().ContactAsync(userId))!;
        Assert.Equal((null, null), (contact.LegalStatus, contact.BirthYear));
    }
}
