using Bot.Web;
using Bot.Web.Cli;
using Microsoft.Extensions.Options;

try
{
    if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(args); // a verb, or an unknown word: never the server by mistake

    var app = BotApplication.Build(args);
    await BotApplication.PrepareAsync(app);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("Configuration error: " + string.Join(Environment.NewLine + "Configuration error: ", e.Failures));
    return 2;
}
catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("Content:", StringComparison.Ordinal) || e.Message.Contains("localization", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync("Configuration error: " + e.Message);
    return 2;
}

public partial class Program;
