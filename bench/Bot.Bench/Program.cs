using BenchmarkDotNet.Running;
using Bot.Bench;

// dotnet run -c Release --project bench/Bot.Bench -- percentiles [rounds]   (latency percentiles, re-index, memory)
// dotnet run -c Release --project bench/Bot.Bench -- --filter '*'            (BenchmarkDotNet: means, allocations)
// dotnet run -c Release --project bench/Bot.Bench -- load [seconds] [senders,…] [postgres-connection-string]   (end-to-end load)
if (args.Length > 0 && args[0] == "load")
{
    await LoadDriver.RunAsync(args[1..]);
    return;
}
// dotnet run -c Release --project bench/Bot.Bench -- cluster [seconds] [senders]   (two instances on PostgreSQL behind a proxy: load + broadcast)
if (args.Length > 0 && args[0] == "cluster")
{
    await ClusterBench.RunAsync(args[1..]);
    return;
}
// dotnet run -c Release --project bench/Bot.Bench -- outbox broadcast|realistic|two-instances|crash [n]   (announcement outbox)
if (args.Length > 0 && args[0] == "outbox")
{
    await OutboxBench.RunAsync(args);
    return;
}
// dotnet run -c Release --project bench/Bot.Bench -- slowest [entries]   (each question's median time and allocation; the slowest)
if (args.Length > 0 && args[0] == "slowest")
{
    Slowest.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 47);
    return;
}
if (args.Length > 0 && args[0] == "percentiles")
{
    Percentiles.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(MatchBenchmark).Assembly).Run(args);
