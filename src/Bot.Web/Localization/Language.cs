namespace Bot.Web.Localization;

/// <summary>The languages the bot speaks. Codes are BCP-47 primary tags.</summary>
public static class Language
{
    public const string Turkish = "tr";
    public const string Arabic = "ar";

    public static readonly IReadOnlyList<string> All = [Turkish, Arabic];

    public static bool IsSupported(string? code) => code is Turkish or Arabic;

    public static bool IsRightToLeft(string? code) => code == Arabic;
}
