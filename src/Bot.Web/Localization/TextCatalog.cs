using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Bot.Web.Localization;

/// <summary>
/// Every user-facing text, per language, from localization/strings.&lt;lang&gt;.yaml and dialogs.&lt;lang&gt;.yaml (nested maps flattened to
/// dotted keys). Code refers to texts only through <see cref="TextKeys"/>; a missing key in any language stops
/// start-up with a message naming the file and key.
/// </summary>
public sealed class TextCatalog
{
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _texts;

    private TextCatalog(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> texts) => _texts = texts;

    public IReadOnlyCollection<string> Languages => (IReadOnlyCollection<string>)_texts.Keys;

    public bool Has(string language, string key) => _texts.TryGetValue(language, out var t) && t.ContainsKey(key);

    public IReadOnlyCollection<string> KeysOf(string language) =>
        _texts.TryGetValue(language, out var t) ? (IReadOnlyCollection<string>)t.Keys : [];

    /// <summary>The text for <paramref name="key"/> in <paramref name="language"/>, with {name} placeholders filled.</summary>
    public string Get(string language, string key, params (string Name, string Value)[] args)
    {
        if (!_texts.TryGetValue(language, out var texts)) texts = _texts[Language.Turkish];
        if (!texts.TryGetValue(key, out var text))
        {
            throw new KeyNotFoundException($"Text '{key}' is missing in localization/strings.{language}.yaml.");
        }
        foreach (var (name, value) in args) text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }

    /// <summary>A list-valued text (YAML sequence) stored as lines, e.g. keyword lists.</summary>
    public IReadOnlyList<string> GetList(string language, string key) =>
        Get(language, key).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The text files per language: the bot's own texts and those of the guided dialogs.</summary>
    public static readonly IReadOnlyList<string> Files = ["strings", "dialogs"];

    public static TextCatalog Load(string localizationFolder)
    {
        var texts = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var language in Language.All)
        {
            var merged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in Files)
            {
                var file = Path.Combine(localizationFolder, $"{name}.{language}.yaml");
                if (!File.Exists(file)) throw new InvalidOperationException($"Missing text file {file}.");
                foreach (var (key, value) in ReadFlat(file))
                {
                    if (!merged.TryAdd(key, value)) throw new InvalidOperationException($"{file}: key '{key}' is also defined in another text file.");
                }
            }
            texts[language] = merged;
        }
        var catalog = new TextCatalog(texts);
        var missing = (from key in TextKeys.All
                       from language in Language.All
                       where !catalog.Has(language, key)
                       select $"localization/strings.{language}.yaml: missing key '{key}'").ToList();
        if (missing.Count > 0) throw new InvalidOperationException("Texts are incomplete:\n" + string.Join('\n', missing));
        return catalog;
    }

    private static Dictionary<string, string> ReadFlat(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidOperationException($"{file}: the top level must be a map of keys to texts.");
        }
        Flatten(root, "", result, file);
        return result;
    }

    private static void Flatten(YamlMappingNode node, string prefix, Dictionary<string, string> into, string file)
    {
        foreach (var (k, v) in node.Children)
        {
            var key = prefix + ((YamlScalarNode)k).Value;
            switch (v)
            {
                case YamlScalarNode s:
                    into[key] = (s.Value ?? "").TrimEnd('\n');
                    break;
                case YamlSequenceNode seq:
                    into[key] = string.Join('\n', seq.Children.OfType<YamlScalarNode>().Select(x => x.Value));
                    break;
                case YamlMappingNode map:
                    Flatten(map, key + ".", into, file);
                    break;
                default:
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{file}: key '{key}' has an unsupported value (line {v.Start.Line})."));
            }
        }
    }
}

/// <summary>
/// Texts that depend on the channel (channel.&lt;kind&gt;_&lt;channel id&gt; in strings.*.yaml, else channel.&lt;kind&gt;_other):
/// its name in the user's language, and what address of the person is kept (a phone number on WhatsApp, a chat
/// number on Telegram, a browser's id in the web chat) — so no channel is told "we keep your phone number" wrongly.
/// </summary>
public static class ChannelTexts
{
    public static string Name(TextCatalog texts, string language, string channel) => Get(texts, language, "name", channel);

    public static string AddressKept(TextCatalog texts, string language, string channel) => Get(texts, language, "address", channel);

    private static string Get(TextCatalog texts, string language, string kind, string channel)
    {
        var key = $"channel.{kind}_{channel}";
        return texts.Get(language, texts.Has(language, key) ? key : $"channel.{kind}_other");
    }
}
