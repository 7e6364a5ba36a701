using Bot.Web;
using Bot.Web.Cli;
using Microsoft.Extensions.Options;

try
{
    if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

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
