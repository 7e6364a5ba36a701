using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace Bot.Web.Operations;

/// <summary>
/// Every CSV the dashboard exports is written through <see cref="Writer"/>: cells hold what people wrote, and a
/// spreadsheet would run a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return as a
/// formula (<c>=HYPERLINK(…)</c>). Such cells get a leading single quote and are quoted (OWASP's CSV injection rule): the
/// spreadsheet shows the text, runs nothing.
/// </summary>
public static class CsvExport
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>The value as a spreadsheet shows it without running it.</summary>
    public static string Cell(string? value) =>
        value is { Length: > 0 } && FormulaStarts.Contains(value[0]) ? "'" + value : value ?? "";

    public static CsvWriter Writer(TextWriter output)
    {
        var csv = new CsvWriter(output, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.None, // done below, the OWASP way
            ShouldQuote = args => ConfigurationFunctions.ShouldQuote(args) || (args.Field?.StartsWith('\'') ?? false),
        }, leaveOpen: true);
        csv.Context.TypeConverterCache.AddConverter<string>(new NeutralisedText());
        return csv;
    }

    private sealed class NeutralisedText : StringConverter
    {
        public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
            base.ConvertToString(Cell(value as string), row, memberMapData);
    }
}
