using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster started from the machine's PostgreSQL binaries on 127.0.0.1 and a free port (as the
/// postgres user when run as root), one database per caller, stopped at the end. Used by the tests and the benchmarks.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public static readonly string? BinFolder = FindBinaries();
    private string? _folder;
    private int _port;
    private int _databases;

    public static bool Available => BinFolder is not null;

    public async Task StartAsync()
    {
        if (!Available) return;
        _folder = Directory.CreateTempSubdirectory("bot-pg-").FullName;
        _port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", $"-R postgres {_folder}");
        await RunPgAsync(asRoot, "initdb", $"-D {_folder}/data -A trust -U bot -E UTF8 --no-locale");
        await RunPgAsync(asRoot, "pg_ctl",
            $"-D {_folder}/data -l {_folder}/log -w -t 60 -o \"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start");
    }

    /// <summary>
    /// Stops the server the way an operator's restart or a crash would: every connection is cut (<c>-m fast</c>, or
    /// <c>-m immediate</c> when <paramref name="crash"/>). The cluster's files stay for <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync(bool crash = false) =>
        RunPgAsync(Environment.UserName == "root", "pg_ctl", $"-D {_folder}/data -m {(crash ? "immediate" : "fast")} -w -t 60 stop");

    /// <summary>Starts the stopped server again on the same port.</summary>
    public Task StartAgainAsync() =>
        RunPgAsync(Environment.UserName == "root", "pg_ctl",
            $"-D {_folder}/data -l {_folder}/log -w -t 60 -o \"-p {_port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start");

    /// <summary>A new, empty database on the server: its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Username=bot;Database={database};Pooling=true;Timeout=30";

    public async ValueTask DisposeAsync()
    {
        if (_folder is null) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgAsync(Environment.UserName == "root", "pg_ctl", $"-D {_folder}/data -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunPgAsync(bool asRoot, string tool, string arguments) =>
        asRoot
            ? RunAsync("runuser", $"-u postgres -- {BinFolder}/{tool} {arguments}")
            : RunAsync($"{BinFolder}/{tool}", arguments);

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }
}
