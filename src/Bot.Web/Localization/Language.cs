namespace Bot.Web.Localization;

/// <summary>The languages the bot speaks. Codes are BCP-47 primary tags.</summary>
public static class Language
{
    public const string Turkish = "tr";
    public const string Arabic = "ar";

    public static readonly IReadOnlyList<string> All = [Turkish, Arabic];

    public static bool IsSupported(string? code) => code is Turkish or Arabic;

    public static bool IsRightToLeft(string? code) => code == Arabic;

    /// <summary>Marks a message written in every language (Activity.Properties): a channel adds its own hints in every language.</summary>
    public const string AllLanguagesProperty = "allLanguages";

    public static bool IsInAllLanguages(Microsoft.Bot.Schema.IActivity activity) =>
        activity is Microsoft.Bot.Schema.Activity { Properties: { } p } && p.TryGetValue(AllLanguagesProperty, out var v) && v.Type == Newtonsoft.Json.Linq.JTokenType.Boolean && (bool)v!;
}
