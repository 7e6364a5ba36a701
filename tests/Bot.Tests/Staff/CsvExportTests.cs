using System.Globalization;
using Bot.Tests.Infrastructure;
using Bot.Web.Operations;
using Bot.Web.Staff;
using CsvHelper;
using Xunit;
using Bot.Web.Access;

namespace Bot.Tests.Staff;

/// <summary>What people wrote reaches spreadsheets through the CSV exports: never as a formula.</summary>
public sealed class CsvExportTests : IAsyncLifetime
{
    // Questions the bot cannot answer (so they are kept for staff), each starting with a character a spreadsheet runs.
    private static readonly string[] Formulas =
    [
        "=HYPERLINK(\"http://evil.example/x\",\"zxqv plimbo wertyuk\")",
        "+1+cmd|' /C calc'!A0 zxqv plimbo",
        "-2+3+cmd|' /C calc'!A0 qwpoe zmxnc",
        "@SUM(1+1)*cmd|' /C calc'!A0 lkjhg poiuy",
    ];

    private readonly TempFolder _data = new();
    private BotHost _host = null!;

    public async Task InitializeAsync() => _host = await BotHost.StartSqliteAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_are_quoted_and_prefixed_in_every_export()
    {
        for (var i = 0; i < Formulas.Length; i++)
        {
            await _host.SayAsync("csv-" + i, value: "lang:tr");
            await _host.SayAsync("csv-" + i, Formulas[i]);
        }
        await _host.AccountAsync("admin@example.org", StaffRoles.Admin);
        var (page, _) = await _host.SignInAsync("admin@example.org");
        using var api = _host.ApiClient(await _host.ApiKeyAsync("reports", StaffRoles.Admin));

        var exports = new Dictionary<string, string>
        {
            ["/api/staff/reports/items.csv"] = await api.GetStringAsync("/api/staff/reports/items.csv"),
            ["/staff/reports?handler=Csv"] = await page.GetStringAsync("/staff/reports?handler=Csv"),
        };
        foreach (var (endpoint, csv) in exports)
        {
            var cells = Cells(csv);
            var texts = cells.Skip(1).Select(row => row[10]).ToList();
            foreach (var formula in Formulas)
            {
                Assert.Contains("'" + formula, texts);
                // Quoted as well: the raw file has the cell between double quotes, the quote first.
                Assert.Contains("\"'" + formula[0], csv, StringComparison.Ordinal);
            }
            Assert.All(cells.SelectMany(row => row), cell => Assert.False(
                cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal), $"{endpoint}: the cell '{cell}' would run as a formula"));
        }
        page.Dispose();
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+90 532", "'+90 532")]
    [InlineData("-x", "'-x")]
    [InlineData("@A1", "'@A1")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("ordinary text", "ordinary text")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void Cells_are_neutralised_by_their_first_character(string value, string expected) => Assert.Equal(expected, CsvExport.Cell(value));

    private static List<string[]> Cells(string csv)
    {
        using var reader = new CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add(reader.Parser.Record!);
        return rows;
    }
}
