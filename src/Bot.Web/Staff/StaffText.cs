using Bot.Web.Localization;
using YamlDotNet.Serialization;
using Bot.Web.Access;

namespace Bot.Web.Staff;

/// <summary>
/// The dashboard's own texts, in Turkish (default), English and Arabic (right to left): <c>localization/staff.tr.yaml</c>,
/// <c>staff.en.yaml</c> and <c>staff.ar.yaml</c>, flat keys. Every key must exist in every file (checked at load: a
/// missing text stops the start with the file and key named).
/// </summary>
public sealed class StaffText
{
    public const string Turkish = "tr";
    public const string English = "en";
    public const string Arabic = "ar";
    public static readonly IReadOnlyList<string> Languages = [Turkish, English, Arabic];
    public const string Cookie = "seg_staff_lang";

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _texts = new(StringComparer.Ordinal);

    public StaffText(ContentPaths paths) : this(paths.Localization)
    {
    }

    /// <summary>Loads the texts from <paramref name="folder"/> (the <c>localization</c> folder).</summary>
    public StaffText(string folder)
    {
        var yaml = new DeserializerBuilder().Build();
        foreach (var language in Languages)
        {
            var file = Path.Combine(folder, $"staff.{language}.yaml");
            _texts[language] = yaml.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [];
        }
        var all = _texts.Values.SelectMany(t => t.Keys).ToHashSet(StringComparer.Ordinal);
        var missing = Languages
            .SelectMany(language => all.Where(key => !_texts[language].ContainsKey(key) || string.IsNullOrWhiteSpace(_texts[language][key]))
                .Order(StringComparer.Ordinal).Select(key => $"staff.{language}.yaml: missing key '{key}'"))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("localization/" + string.Join("; ", missing));
        }
    }

    /// <summary>The writing direction of a dashboard language.</summary>
    public static string DirectionOf(string language) => language == Arabic ? "rtl" : "ltr";

    /// <summary>A language's own name, for the language buttons.</summary>
    public string NameOf(string language) => Get(language, "language.self");

    public string Get(string language, string key) =>
        _texts.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text) ? text : key;

    public IReadOnlyCollection<string> Keys => _texts[Turkish].Keys.ToList();

    /// <summary>The language of names and content shown to staff (centre names): Arabic in the Arabic interface, else Turkish.</summary>
    public static string ContentLanguageOf(HttpContext? context) => LanguageOf(context) == Arabic ? Localization.Language.Arabic : Localization.Language.Turkish;

    public static string LanguageOf(HttpContext? context)
    {
        var chosen = context?.Request.Cookies[Cookie];
        return chosen is not null && Languages.Contains(chosen) ? chosen : Turkish;
    }
}

/// <summary>The texts in the language of the current request, for the pages: <c>@T["home.title"]</c>.</summary>
public sealed class StaffUi(StaffText texts, IHttpContextAccessor http, Microsoft.Extensions.Options.IOptions<StaffOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>A time as staff read it: in the dashboard's time zone (Staff:TimeZone), minutes.</summary>
    /// <remarks>In the Arabic interface the time is isolated left to right (U+2066 … U+2069), so that a right-to-left page
    /// shows "2026-03-04 09:30" as written, not its two parts swapped.</remarks>
    public string Time(DateTimeOffset at) => Isolated(TimeZoneInfo.ConvertTime(at, _zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// A delivery status as staff read it. Telegram gives no delivery or read receipts: its messages are "sent", with
    /// that explanation, never "delivered 0".
    /// </summary>
    public string Delivery(string channel, string? status) => status switch
    {
        null or "" => "—",
        "sent" when channel == "telegram" => this["delivery.sent-telegram"],
        "sent" or "waiting" or "delivered" or "read" => this["delivery." + status],
        _ when status.StartsWith("failed", StringComparison.Ordinal) => this["delivery.failed"] + status["failed".Length..],
        _ when status.StartsWith("not sent", StringComparison.Ordinal) => this["delivery.not-sent"] + status["not sent".Length..],
        _ when status.StartsWith("queued", StringComparison.Ordinal) => this["delivery.queued"] + status["queued".Length..],
        _ when status.StartsWith("retrying", StringComparison.Ordinal) => this["delivery.retrying"] + status["retrying".Length..],
        _ when status.StartsWith("uncertain", StringComparison.Ordinal) => this["delivery.uncertain"] + status["uncertain".Length..],
        "cancelled" => this["delivery.cancelled"],
        _ => status,
    };

    /// <summary>Numbers, dates and ids kept left to right inside a right-to-left sentence (nothing changes in Turkish and English).</summary>
    public string Isolated(string text) => Direction == "rtl" ? "\u2066" + text + "\u2069" : text;

    public string TimeZoneName => options.Value.TimeZone;

    public string Language { get; } = StaffText.LanguageOf(http.HttpContext);

    /// <summary><c>rtl</c> for the Arabic interface, else <c>ltr</c>.</summary>
    public string Direction => StaffText.DirectionOf(Language);

    /// <summary>A language's own name (for the language buttons).</summary>
    public string NameOf(string language) => texts.NameOf(language);

    public string this[string key] => texts.Get(Language, key);

    public string Format(string key, params object[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, this[key], args);
}
