namespace Bot.Web.Localization;

public sealed class ContentOptions
{
    public const string Section = "Content";

    /// <summary>
    /// Folder holding localization/ and dialogs/. Empty: the nearest folder upwards from the working directory
    /// (then from the app's own folder) that has a localization/ folder — the repository root when run from a clone.
    /// </summary>
    public string Root { get; set; } = "";
}

public sealed record ContentPaths(string Root)
{
    public string Localization => Path.Combine(Root, "localization");
    public string Dialogs => Path.Combine(Root, "dialogs");

    public static ContentPaths Resolve(ContentOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.Root))
        {
            var root = Path.GetFullPath(options.Root, contentRoot);
            if (!Directory.Exists(Path.Combine(root, "localization")))
            {
                throw new InvalidOperationException($"Content:Root '{root}' has no localization/ folder.");
            }
            return new ContentPaths(root);
        }
        foreach (var start in new[] { contentRoot, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "localization"))) return new ContentPaths(dir.FullName);
            }
        }
        throw new InvalidOperationException(
            "Content:Root is empty and no localization/ folder was found above the working directory; set Content:Root.");
    }
}
