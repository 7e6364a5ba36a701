namespace Bot.Web.Localization;

/// <summary>
/// The keys of every text the code shows to a user. Each must exist in every language
/// (checked at start-up and by a test); the texts themselves live in localization/strings.&lt;lang&gt;.yaml.
/// </summary>
public static class TextKeys
{
    public const string GreetingFirst = "greeting.first";
    public const string AskPrompt = "ask.prompt";
    public const string ClarifyPrompt = "clarify.prompt";
    public const string ClarifyNone = "clarify.none";
    public const string Abstain = "abstain";
    public const string CentreUnknown = "centre.unknown";
    public const string CentreNotConfigured = "centre.not_configured";
    public const string CentreAddress = "centre.address";
    public const string CentrePhone = "centre.phone";
    public const string CentreHours = "centre.hours";
    public const string CoursesNone = "courses.none";
    public const string AnnouncementsStopped = "announcements.stopped";
    public const string AnnouncementsStoppedResumeHint = "announcements.stopped_resume_hint";
    public const string AnnouncementsResumed = "announcements.resumed";
    public const string AnnouncementsAlreadyOn = "announcements.already_on";
    public const string HandoverWaiting = "handover.waiting";
    public const string RepeatWayOut = "repeat.way_out";
    public const string CoursesStipends = "courses.stipends";
    public const string MediaUnsupported = "media.unsupported";
    /// <summary>Told once per flood to a person over the message rate limit (RateLimits:MessagesPerSenderPerMinute).</summary>
    public const string FloodSlowDown = "flood.slow_down";
    public const string StaffAnswerIntro = "staff_answer.intro";
    public const string ChoiceHint = "choice.hint";
    public const string CancelWords = "dialog.words.cancel";
    public const string DialogLeft = "dialog.left";
    public const string HandoverEnded = "handover.ended";
    public const string MenuTitle = "menu.title";
    public const string MenuButton = "menu.button";
    public const string MenuCommands = "commands.menu";
    public const string LanguageAsk = "language.ask";
    public const string LanguageSet = "language.set";
    public const string LanguageName = "language.name";
    public const string ErrorApology = "error.apology";
    public const string WebChatTitle = "webchat.title";
    public const string WebChatPlaceholder = "webchat.placeholder";
    public const string WebChatSend = "webchat.send";
    public const string WebChatLanguage = "webchat.language";
    public const string WebChatOffline = "webchat.offline";
    public const string WebChatSlowDown = "webchat.slow_down";

    public static IReadOnlyList<string> All { get; } =
        typeof(TextKeys).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
}
