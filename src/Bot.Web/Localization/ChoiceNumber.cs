namespace Bot.Web.Localization;

/// <summary>The number of a choice as people type it: a digit or two, with a dot or brackets around it.</summary>
public static class ChoiceNumber
{
    /// <summary>A whole reply that is a small number, in Western, Arabic-Indic or Extended Arabic-Indic digits.</summary>
    public static int? Parse(string text)
    {
        var trimmed = text.Trim().Trim('.', ')', '(', '-', '#', ' ', '\u066B', '\u06D4');
        if (trimmed.Length is 0 or > 2) return null;
        var value = 0;
        foreach (var c in trimmed)
        {
            var digit = char.GetNumericValue(c);
            if (digit is < 0 or > 9 || !char.IsDigit(c)) return null;
            value = (value * 10) + (int)digit;
        }
        return value;
    }
}
