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
    public DbSet<InboundUpdate> Inbound => Set<InboundUpdate>();
    public DbSet<OutboundMessage> Outbound => Set<OutboundMessage>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder); // Identity's tables, renamed below
        // Each feature's tables are configured next to their entities (IEntityTypeConfiguration), and reached as
        // extension properties declared there (db.Courses in Announcements, db.Outbox in Outbox…): Data names none of them.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BotDbContext).Assembly);
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
