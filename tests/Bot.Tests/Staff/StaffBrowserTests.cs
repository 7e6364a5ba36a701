using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Staff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Staff;

/// <summary>The staff dashboard in Debian's Chromium against the real host on 127.0.0.1, as a staff member uses it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffBrowserTests(Browser browser) : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path, extra: new Dictionary<string, string?> { ["Staff:MaxFailedSignIns"] = "3" });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync(email);
        await page.GetByLabel("Parola").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
    }

    /// <summary>Signs in and waits for the home page; if it does not come, says what the page showed instead.</summary>
    private static async Task SignInToHomeAsync(IPage page, string email, string password)
    {
        await SignInAsync(page, email, password);
        await WaitForHomeAsync(page, "Sign-in");
    }

    private static async Task ChooseOwnPasswordAsync(IPage page, string oneTime, string chosen)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/password$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Tek kullanımlık parolayla");
        await page.GetByLabel("Şu anki parola").FillAsync(oneTime);
        await page.GetByLabel("Yeni parola", new() { Exact = true }).FillAsync(chosen);
        await page.GetByLabel("Yeni parola (tekrar)").FillAsync(chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Parolayı değiştir" }).ClickAsync();
        await WaitForHomeAsync(page, "The password change");
    }

    /// <summary>Waits for the home page; if it does not come, says what the page showed instead.</summary>
    private static async Task WaitForHomeAsync(IPage page, string what)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        }
        catch (PlaywrightException e)
        {
            var shown = await page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, $"not-home-{Guid.NewGuid():N}.png") });
            throw new TimeoutException($"{what} did not reach /staff: still at {page.Url}, showing: {shown}", e);
        }
    }

    [BrowserFact]
    public async Task The_first_admin_signs_in_with_the_one_time_password_chooses_their_own_and_creates_a_centre_account()
    {
        string oneTime;
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            oneTime = (await scope.ServiceProvider.GetRequiredService<StaffAccounts>().CreateAsync("cli", "admin@example.org", "Admin", StaffRoles.Admin, [])).Secret!;
        }
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInAsync(page, "admin@example.org", oneTime);
        // Nothing else opens before the password is changed.
        await page.GotoAsync("/staff/people");
        await ChooseOwnPasswordAsync(page, oneTime, "My-own-Password-2026");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bugün", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#today tbody tr")).ToHaveCountAsync(17);

        await page.GotoAsync("/staff/admin/users");
        await page.GetByLabel("E-posta").FillAsync("adana@example.org");
        await page.GetByLabel("Ad soyad").FillAsync("Adana Personeli");
        await page.Locator("#Role").SelectOptionAsync("staff");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hesap oluştur" }).ClickAsync();
        // Invalid input is explained next to the field and nothing is created: a staff account needs a centre.
        await Assertions.Expect(page.Locator("#Centres-error")).ToHaveTextAsync("Personel rolü için en az bir merkez seçin.");
        await Assertions.Expect(page.Locator("tr[data-account='adana@example.org']")).ToHaveCountAsync(0);
        await page.Locator("#new-centres").SelectOptionAsync("adana");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hesap oluştur" }).ClickAsync();
        var staffPassword = (await page.Locator("#one-time-password").TextContentAsync())!.Trim();
        Assert.Equal(16, staffPassword.Length);
        await Assertions.Expect(page.Locator("tr[data-account='adana@example.org']")).ToContainTextAsync("Adana");

        await page.GetByRole(AriaRole.Button, new() { Name = "Çıkış yap" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/login$"));
        await SignInAsync(page, "adana@example.org", staffPassword);
        await ChooseOwnPasswordAsync(page, staffPassword, "Adana-Password-2026");
        // A centre's account sees its own centre's numbers only, and no admin menu.
        await Assertions.Expect(page.Locator("#today tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#today tbody tr")).ToHaveAttributeAsync("data-centre", "adana");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Hesaplar" })).ToHaveCountAsync(0);

        var audit = (await _host.Services.GetRequiredService<StaffAudit>().LatestAsync(null, null, 50)).Select(a => $"{a.Actor} {a.Action} {a.Target}").ToList();
        Assert.Contains("admin@example.org user-created adana@example.org", audit);
        Assert.Contains("admin@example.org password-changed ", audit);
        Assert.Contains("adana@example.org sign-in ", audit);
    }

    [BrowserFact]
    public async Task A_wrong_password_is_refused_and_repeated_failures_lock_the_account()
    {
        await _host.AccountAsync("staff@example.org", StaffRoles.Staff, "hatay");
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInAsync(page, "staff@example.org", "not-the-password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("E-posta veya parola yanlış.");
        await SignInAsync(page, "nobody@example.org", "not-the-password");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("E-posta veya parola yanlış.");

        await SignInAsync(page, "", "");
        await Assertions.Expect(page.Locator("#email-error")).ToHaveTextAsync("Bu alan zorunludur.");
        await Assertions.Expect(page.GetByLabel("E-posta")).ToHaveAttributeAsync("aria-describedby", "email-error");

        await SignInAsync(page, "staff@example.org", "wrong-again");
        await SignInAsync(page, "staff@example.org", "wrong-a-third-time"); // Staff:MaxFailedSignIns = 3 in this test
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("kilitlendi");
        // Locked: even the right password does not open it now.
        await SignInAsync(page, "staff@example.org", StaffTestData.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("kilitlendi");
        Assert.EndsWith("/staff/login", new Uri(page.Url).AbsolutePath);
    }

    [BrowserFact]
    public async Task A_centre_account_cannot_see_another_centres_people_or_the_admin_pages()
    {
        await _host.AccountAsync("adana@example.org", StaffRoles.Staff, "adana");
        var mine = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        var theirs = await _host.PersonAsync("whatsapp", "whatsapp:+905329876512", "hatay");
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInToHomeAsync(page, "adana@example.org", StaffTestData.Password);

        await page.GotoAsync("/staff/people");
        await Assertions.Expect(page.Locator($"tr[data-person='{mine}'] .masked")).ToHaveTextAsync("whatsapp:+90 5** *** ** 34".Replace(" ", "", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator($"tr[data-person='{theirs}']")).ToHaveCountAsync(0);
        Assert.DoesNotContain("1234534", await page.ContentAsync());
        Assert.DoesNotContain("9876512", await page.ContentAsync());

        var filtered = await page.GotoAsync("/staff/people?centre=hatay");
        Assert.Equal(403, filtered!.Status);
        var admin = await page.GotoAsync("/staff/admin/users");
        Assert.Equal(403, admin!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Erişim yok" })).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task A_form_whose_anti_forgery_token_was_tampered_with_is_refused_and_changes_nothing()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInToHomeAsync(page, "admin@example.org", StaffTestData.Password);
        await page.GotoAsync("/staff/admin/users");
        await page.GetByLabel("E-posta").FillAsync("forged@example.org");
        await page.Locator("#Role").SelectOptionAsync("admin");
        await page.EvaluateAsync("() => document.querySelectorAll('input[name=__RequestVerificationToken]').forEach(i => i.value = 'forged')");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Hesap oluştur" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, response.Status);
        await page.GotoAsync("/staff/admin/users");
        await Assertions.Expect(page.Locator("tr[data-account='forged@example.org']")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task Arabic_questions_are_shown_right_to_left_in_an_interface_that_switches_to_English_and_fits_a_phone()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        const string question = "كيف أشتري تذكرة طيران إلى ألمانيا من عنتاب";
        await _host.SayAsync("web-ar", question);
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInToHomeAsync(page, "admin@example.org", StaffTestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        var text = page.Locator("#latest bdi", new() { HasText = "تذكرة" });
        await Assertions.Expect(text).ToHaveTextAsync(question);
        Assert.Equal("rtl", await text.EvaluateAsync<string>("e => getComputedStyle(e).direction"));
        await Assertions.Expect(page.Locator("tr[data-centre='gaziantep'] td").Nth(3)).ToHaveTextAsync("1"); // waiting for an answer
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "staff-home-arabic-rtl.png"), FullPage = true });

        await page.SetViewportSizeAsync(375, 740);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.body.scrollWidth <= window.innerWidth + 1"), "the page is wider than a phone screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.Artifacts, "staff-home-phone.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task An_admin_sees_a_full_number_only_after_giving_a_reason_and_the_access_is_in_the_audit_log()
    {
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        var person = await _host.PersonAsync("whatsapp", "whatsapp:+905321234534", "adana");
        var page = await browser.NewPageAsync(_host.BaseAddress);
        await SignInToHomeAsync(page, "admin@example.org", StaffTestData.Password);
        await page.GotoAsync("/staff/people");
        var row = page.Locator($"tr[data-person='{person}']");
        await Assertions.Expect(row.Locator(".masked")).ToHaveTextAsync("whatsapp:+905**********34".Length > 0 ? new Regex(@"\*\*") : new Regex("."));
        await row.GetByLabel("Gerekçe").FillAsync("şikâyet için geri arama");
        await row.GetByRole(AriaRole.Button, new() { Name = "Göster" }).ClickAsync();
        await Assertions.Expect(page.Locator("#revealed")).ToContainTextAsync("whatsapp:+905321234534");
        await page.GotoAsync("/staff/admin/audit?action=address-revealed");
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#audit tbody tr")).ToContainTextAsync("şikâyet için geri arama");
        Assert.DoesNotContain("1234534", await page.Locator("#audit").InnerTextAsync());
    }
}
