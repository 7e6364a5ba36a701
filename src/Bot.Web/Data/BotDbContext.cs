using Bot.Web.Feedback;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Bot.Web.Access;

namespace Bot.Web.Data;

/// <summary>
/// The one model. Each provider has a subclass of its own (<see cref="SqliteBotDbContext"/>,
/// <see cref="PostgresBotDbContext"/>) so that each keeps its own migration set, generated from this model
/// (EF Core's documented multi-provider approach with one context type per provider).
/// </summary>
public abstract class BotDbContext(DbContextOptions options) : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    public DbSet<StateEntry> State => Set<StateEntry>();
    public DbSet<BotUser> BotUsers => Set<BotUser>();
    public DbSet<AppSecret> Secrets => Set<AppSecret>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Feedback.UnansweredQuestion> Unanswered => Set<Feedback.UnansweredQuestion>();
    public DbSet<InboundUpdate> Inbound => Set<InboundUpdate>();
    public DbSet<OutboundMessage> Outbound => Set<OutboundMessage>();
    public DbSet<Announcements.Subscription> Subscriptions => Set<Announcements.Subscription>();
    public DbSet<StaffApiKey> ApiKeys => Set<StaffApiKey>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<QuestionEvent> QuestionEvents => Set<QuestionEvent>();
    public DbSet<Channels.WebChat.WebChatMail> WebChatMailbox => Set<Channels.WebChat.WebChatMail>();
    public DbSet<Announcements.Course> Courses => Set<Announcements.Course>();
    public DbSet<Announcements.Announcement> Announcements => Set<Announcements.Announcement>();
    public DbSet<Outbox.OutboxMessage> Outbox => Set<Outbox.OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder); // Identity's tables, renamed below
        modelBuilder.Entity<StaffUser>(e =>
        {
            e.ToTable("staff_users");
            e.Property(x => x.DisplayName).HasMaxLength(200);
        });
        modelBuilder.Entity<IdentityRole>().ToTable("staff_roles");
        modelBuilder.Entity<IdentityUserRole<string>>().ToTable("staff_user_roles");
        modelBuilder.Entity<IdentityUserClaim<string>>().ToTable("staff_user_claims");
        modelBuilder.Entity<IdentityUserLogin<string>>().ToTable("staff_user_logins");
        modelBuilder.Entity<IdentityUserToken<string>>().ToTable("staff_user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<string>>().ToTable("staff_role_claims");
        modelBuilder.Entity<StaffApiKey>(e =>
        {
            e.ToTable("staff_api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.SecretHash).HasMaxLength(64);
            e.Property(x => x.Role).HasMaxLength(16);
            e.Property(x => x.Centres).HasMaxLength(1000);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Ignore(x => x.CentreList);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Target).HasMaxLength(256);
            e.Property(x => x.Details).HasMaxLength(2000);
            e.HasIndex(x => x.At);
        });
        modelBuilder.Entity<QuestionEvent>(e =>
        {
            e.ToTable("question_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.Language).HasMaxLength(8);
            e.Property(x => x.CentreId).HasMaxLength(40);
            e.Property(x => x.Outcome).HasMaxLength(16);
            e.HasIndex(x => x.At);
        });
        modelBuilder.Entity<StateEntry>(e =>
        {
            e.ToTable("bot_state");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(400);
            e.Property(x => x.Data).IsRequired();
        });
        modelBuilder.Entity<BotUser>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.ProtectedAddress).IsRequired();
        });
        modelBuilder.Entity<AppSecret>(e =>
        {
            e.ToTable("app_secrets");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(100);
        });
        modelBuilder.Entity<DataProtectionKey>(e => e.ToTable("data_protection_keys"));
        modelBuilder.Entity<InboundUpdate>(e =>
        {
            e.ToTable("inbound_updates");
            e.HasKey(x => x.Id);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.ExternalId).HasMaxLength(64);
            e.Property(x => x.Sender).HasMaxLength(64);
            e.HasIndex(x => new { x.Channel, x.ExternalId }).IsUnique();
            e.HasIndex(x => new { x.Status, x.Id });
        });
        modelBuilder.Entity<OutboundMessage>(e =>
        {
            e.ToTable("outbound_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.ExternalId).HasMaxLength(64);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.Template).HasMaxLength(64);
            e.HasIndex(x => new { x.Channel, x.ExternalId }).IsUnique();
            e.HasIndex(x => x.UserId);
        });
        modelBuilder.Entity<BotUser>().HasIndex(x => x.LastBusinessInitiatedAt);
        modelBuilder.Entity<BotUser>().Property(x => x.ConsentMethod).HasMaxLength(64);
        modelBuilder.Entity<BotUser>().Property(x => x.CentreId).HasMaxLength(40);
        modelBuilder.Entity<BotUser>().HasIndex(x => x.CentreId);
        modelBuilder.Entity<BotUser>().Property(x => x.LegalStatus).HasMaxLength(40);
        ConfigureAnnouncements(modelBuilder);
        modelBuilder.Entity<Announcements.Subscription>(e =>
        {
            e.ToTable("subscriptions");
            e.HasKey(x => x.Id);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.CentreId).HasMaxLength(40);
            e.Property(x => x.Topic).HasMaxLength(40);
            e.Property(x => x.Language).HasMaxLength(8);
            e.Property(x => x.ConsentMethod).HasMaxLength(64);
            e.HasIndex(x => new { x.UserId, x.CentreId, x.Topic }).IsUnique();
            e.HasIndex(x => new { x.CentreId, x.Topic });
        });
        modelBuilder.Entity<Feedback.UnansweredQuestion>(e =>
        {
            e.ToTable("unanswered_questions");
            e.HasKey(x => x.Id);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.Language).HasMaxLength(8);
            e.Property(x => x.Reason).HasMaxLength(40);
            e.Property(x => x.CentreId).HasMaxLength(40);
            e.HasIndex(x => x.CreatedAt);
            e.HasIndex(x => x.UserId);
            e.Property(x => x.Category).HasMaxLength(32);
            e.Property(x => x.Type).HasMaxLength(16);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.AssignedTo).HasMaxLength(256);
            e.Property(x => x.AnsweredBy).HasMaxLength(256);
            e.Property(x => x.AnswerEntryId).HasMaxLength(100);
            e.Property(x => x.Delivery).HasMaxLength(64);
            e.Property(x => x.DismissReason).HasMaxLength(500);
            e.HasIndex(x => new { x.Status, x.GroupId });
            e.HasIndex(x => x.GroupId);
            e.HasIndex(x => x.Signature); // grouping finds the same question asked again by its signature
        });
        modelBuilder.Entity<Channels.WebChat.WebChatMail>(e =>
        {
            e.ToTable("webchat_mailbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.HasIndex(x => x.UserId);
        });
    }

    private static void ConfigureAnnouncements(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Announcements.Course>(e =>
        {
            e.ToTable("courses");
            e.HasKey(x => x.Id);
            e.Property(x => x.CentreId).HasMaxLength(40);
            e.Property(x => x.Topic).HasMaxLength(40);
            e.Property(x => x.TitleTr).HasMaxLength(200);
            e.Property(x => x.TitleAr).HasMaxLength(200);
            e.Property(x => x.DescriptionTr).HasMaxLength(2000);
            e.Property(x => x.DescriptionAr).HasMaxLength(2000);
            e.Property(x => x.LegalStatuses).HasMaxLength(200);
            e.Property(x => x.Gender).HasMaxLength(16);
            e.Property(x => x.Days).HasMaxLength(40);
            e.Property(x => x.Place).HasMaxLength(300);
            e.Property(x => x.StipendAmount).HasPrecision(10, 2);
            e.Property(x => x.StipendConditionsTr).HasMaxLength(500);
            e.Property(x => x.StipendConditionsAr).HasMaxLength(500);
            e.Property(x => x.HowToApplyTr).HasMaxLength(500);
            e.Property(x => x.HowToApplyAr).HasMaxLength(500);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Ignore(x => x.StatusList);
            e.Ignore(x => x.DayList);
            e.HasIndex(x => new { x.CentreId, x.ApplicationDeadline });
        });
        modelBuilder.Entity<Announcements.Announcement>(e =>
        {
            e.ToTable("announcements");
            e.HasKey(x => x.Id);
            e.Property(x => x.CentreId).HasMaxLength(40);
            e.Property(x => x.Centres).HasMaxLength(1000);
            e.Property(x => x.Topics).HasMaxLength(400);
            e.Property(x => x.Languages).HasMaxLength(20);
            e.Property(x => x.TextTr).HasMaxLength(4000);
            e.Property(x => x.TextAr).HasMaxLength(4000);
            e.Property(x => x.EditedTextTr).HasMaxLength(4000);
            e.Property(x => x.EditedTextAr).HasMaxLength(4000);
            e.Property(x => x.TemplateVariablesTr).HasMaxLength(2000);
            e.Property(x => x.TemplateVariablesAr).HasMaxLength(2000);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Property(x => x.CancelledBy).HasMaxLength(256);
            e.Ignore(x => x.CentreList);
            e.Ignore(x => x.TopicList);
            e.Ignore(x => x.LanguageList);
            e.HasOne<Announcements.Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.Status, x.SendAt });
        });
        modelBuilder.Entity<Outbox.OutboxMessage>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.Language).HasMaxLength(8);
            e.Property(x => x.Text).HasMaxLength(4000);
            e.Property(x => x.TemplateType).HasMaxLength(64);
            e.Property(x => x.TemplateVariables).HasMaxLength(2000);
            e.Property(x => x.ClaimedBy).HasMaxLength(64);
            e.Property(x => x.ProviderMessageId).HasMaxLength(64);
            e.Property(x => x.Error).HasMaxLength(64);
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => new { x.Kind, x.ReferenceId, x.Status });
            e.HasIndex(x => new { x.Channel, x.ProviderMessageId });
            e.HasIndex(x => x.UserId);
        });
    }
}

/// <summary>SQLite cannot order or compare DateTimeOffset: it is stored there as UTC ticks.</summary>
public sealed class SqliteBotDbContext(DbContextOptions<SqliteBotDbContext> options) : BotDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToTicksConverter>();
    }
}

public sealed class PostgresBotDbContext(DbContextOptions<PostgresBotDbContext> options) : BotDbContext(options);

/// <summary>Stores a DateTimeOffset as UTC ticks (a sortable integer) on SQLite.</summary>
public sealed class DateTimeOffsetToTicksConverter()
    : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
