using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.Web.Access;

/// <summary>
/// The staff's tables: API keys and the audit log, configured here next to their entities and reached as
/// <c>db.ApiKeys</c>: the database context itself names none of them.
/// </summary>
public static class StaffTables
{
    extension(BotDbContext db)
    {
        public DbSet<StaffApiKey> ApiKeys => db.Set<StaffApiKey>();
        public DbSet<AuditEntry> Audit => db.Set<AuditEntry>();
    }
}

public sealed class StaffApiKeyConfiguration : IEntityTypeConfiguration<StaffApiKey>
{
    public void Configure(EntityTypeBuilder<StaffApiKey> builder)
    {
        builder.ToTable("staff_api_keys");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(32);
        builder.Property(x => x.Name).HasMaxLength(100);
        builder.Property(x => x.SecretHash).HasMaxLength(64);
        builder.Property(x => x.Role).HasMaxLength(16);
        builder.Property(x => x.Centres).HasMaxLength(1000);
        builder.Property(x => x.CreatedBy).HasMaxLength(256);
        builder.Ignore(x => x.CentreList);
    }
}

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Actor).HasMaxLength(256);
        builder.Property(x => x.Action).HasMaxLength(64);
        builder.Property(x => x.Target).HasMaxLength(256);
        builder.Property(x => x.Details).HasMaxLength(2000);
        builder.HasIndex(x => x.At);
    }
}
