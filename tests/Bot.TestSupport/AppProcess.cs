using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bot.Tests.Infrastructure;

/// <summary>
/// The app as a separate process (<c>dotnet Bot.Web.dll</c>) on 127.0.0.1 and a free port, so that a test can kill it
/// outright (SIGKILL) and start it again. Its output is read and dropped (kept only when it fails to start).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The app built next to this assembly (the test and bench projects reference it).</summary>
    public static string AppDll => Path.Combine(AppContext.BaseDirectory, "Bot.Web.dll");

    /// <summary>Starts the app with <paramref name="settings"/> (as --Section:Key=value) and waits until /healthz answers.</summary>
    public static async Task<AppProcess> StartAsync(IDictionary<string, string?> settings, string workingDirectory)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing"; // Production would refuse the test's developer settings
        start.ArgumentList.Add(AppDll);
        start.ArgumentList.Add("--urls=" + url);
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        var app = new AppProcess(Process.Start(start)!, new Uri(url));
        app._process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilUpAsync();
        return app;
    }

    public int Id => _process.Id;

    /// <summary>Kills the process at once (SIGKILL on Linux): no shutdown, no flushing, sends in flight cut off.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Count < 200) _output.Add(line);
        }
    }

    private async Task WaitUntilUpAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            await Task.Delay(100);
        }
        string output;
        lock (_output) output = string.Join('\n', _output);
        await KillAsync();
        throw new InvalidOperationException($"The app did not start at {BaseAddress}:\n{output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
