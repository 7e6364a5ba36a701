namespace Bot.Web.Privacy;

/// <summary>
/// Files holding personal data or keys are readable by the app's own user only (Linux/macOS): folders 0700, files 0600.
/// SQLite creates its -wal, -shm and -journal files with the mode of the database file, so creating bot.db 0600 first
/// covers them. Files and folders made earlier with wider modes are tightened at start.
/// </summary>
public static class DataFiles
{
    public const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="folder"/> (0700) or takes group and other access away from it. Returns true if it changed a mode.</summary>
    public static bool EnsurePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return false;
        }
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, PrivateFolder);
            return false;
        }
        return Tighten(folder);
    }

    /// <summary>Creates the SQLite file empty (0600) if missing, and tightens it and its -wal, -shm and -journal files.</summary>
    public static IReadOnlyList<string> EnsurePrivateDatabase(string databaseFile)
    {
        var changed = new List<string>();
        var folder = Path.GetDirectoryName(Path.GetFullPath(databaseFile));
        if (!string.IsNullOrEmpty(folder) && EnsurePrivateFolder(folder)) changed.Add(folder);
        if (OperatingSystem.IsWindows()) return changed;
        if (!File.Exists(databaseFile))
        {
            try
            {
                // An empty file is an empty SQLite database; SQLite keeps the mode it finds.
                using var created = new FileStream(databaseFile, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile,
                });
            }
            catch (IOException) when (File.Exists(databaseFile))
            {
                // Created at the same moment by another process.
            }
        }
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm", databaseFile + "-journal" })
        {
            if (File.Exists(file) && Tighten(file)) changed.Add(file);
        }
        return changed;
    }

    /// <summary>True when group or others may read, write or enter <paramref name="path"/>.</summary>
    public static bool IsOpenToOthers(string path) => !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Others) != 0;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool Tighten(string path)
    {
        var mode = File.GetUnixFileMode(path);
        // A shared folder such as /tmp (sticky bit) is not the app's own: it is left alone.
        if ((mode & Others) == 0 || (mode & UnixFileMode.StickyBit) != 0) return false;
        try
        {
            File.SetUnixFileMode(path, mode & ~Others);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false; // not the owner: the operator set it up so
        }
    }
}
