using Microsoft.Playwright;
using Xunit;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright for .NET (never a downloaded browser). One browser per test collection;
/// each test opens its own context (cookies). Screenshots go to <see cref="Artifacts"/>.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool Available => File.Exists(ExecutablePath);

    /// <summary>Where screenshots are kept: TestResults/artifacts beside the test project's output.</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(Repo.Root, "tests", "Bot.Tests", "TestResults", "artifacts")).FullName;

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Available) return;
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_playwright is null) return;
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>A fresh browser context (its own cookies) opening pages at <paramref name="baseUrl"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, ViewportSize? viewport = null)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), ViewportSize = viewport ?? new ViewportSize { Width = 1200, Height = 900 } });
        context.SetDefaultTimeout(45_000); // CI runs browser tests beside the rest of the suite on 2 cores
        return await context.NewPageAsync();
    }

    /// <summary>A fresh page signed in to the staff dashboard (Turkish interface) as <paramref name="email"/>, on its home page.</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseUrl, string email, string password = global::Bot.Tests.Staff.StaffTestData.Password)
    {
        var page = await NewPageAsync(baseUrl);
        await page.GotoAsync("/staff/login");
        await page.GetByLabel("E-posta").FillAsync(email);
        await page.GetByLabel("Parola").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giriş yap" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/staff$"));
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "Browser";
}

/// <summary>
/// A browser test: skipped with a message where Debian's Chromium is absent on a developer's machine; in CI
/// (CI=true, where .ci/run installs it) it runs and fails loudly instead.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Browser.Available && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{Browser.ExecutablePath} not found (apt-get install chromium): browser test skipped.";
        }
    }
}
