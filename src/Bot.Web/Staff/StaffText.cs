using Bot.Web.Localization;
using YamlDotNet.Serialization;

namespace Bot.Web.Staff;

/// <summary>
/// The dashboard's own texts, in Turkish (default) and English: <c>localization/staff.tr.yaml</c> and <c>staff.en.yaml</c>,
/// flat keys. Every key must exist in both files (checked at load).
/// </summary>
public sealed class StaffText
{
    public const string Turkish = "tr";
    public const string English = "en";
    public static readonly IReadOnlyList<string> Languages = [Turkish, English];
    public const string Cookie = "seg_staff_lang";

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _texts = new(StringComparer.Ordinal);

    public StaffText(ContentPaths paths)
    {
        var yaml = new DeserializerBuilder().Build();
        foreach (var language in Languages)
        {
            var file = Path.Combine(paths.Localization, $"staff.{language}.yaml");
            _texts[language] = yaml.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [];
        }
        var missing = _texts[Turkish].Keys.Except(_texts[English].Keys).Concat(_texts[English].Keys.Except(_texts[Turkish].Keys)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException("localization/staff.*.yaml: keys missing in one language: " + string.Join(", ", missing));
        }
    }

    public string Get(string language, string key) =>
        _texts.TryGetValue(language, out var texts) && texts.TryGetValue(key, out var text) ? text : key;

    public IReadOnlyCollection<string> Keys => _texts[Turkish].Keys.ToList();

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
    public string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string TimeZoneName => options.Value.TimeZone;

    public string Language { get; } = StaffText.LanguageOf(http.HttpContext);

    public string this[string key] => texts.Get(Language, key);

    public string Format(string key, params object[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, this[key], args);
}
