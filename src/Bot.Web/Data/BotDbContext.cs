using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Bot.Web.Data;

/// <summary>
/// The one model. Each provider has a subclass of its own (<see cref="SqliteBotDbContext"/>,
/// <see cref="PostgresBotDbContext"/>) so that each keeps its own migration set, generated from this model
/// (EF Core's documented multi-provider approach with one context type per provider).
/// </summary>
public abstract class BotDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<StateEntry> State => Set<StateEntry>();
    public DbSet<BotUser> Users => Set<BotUser>();
    public DbSet<AppSecret> Secrets => Set<AppSecret>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Feedback.UnansweredQuestion> Unanswered => Set<Feedback.UnansweredQuestion>();
    public DbSet<InboundUpdate> Inbound => Set<InboundUpdate>();
    public DbSet<OutboundMessage> Outbound => Set<OutboundMessage>();
    public DbSet<Announcements.Subscription> Subscriptions => Set<Announcements.Subscription>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
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
