using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.Web.Outbox;

/// <summary>
/// The outbox table: every message the bot starts itself, one row per recipient, configured here next to their entities and reached as
/// <c>db.Outbox</c>: the database context itself names none of them.
/// </summary>
public static class OutboxTables
{
    extension(BotDbContext db)
    {
        public DbSet<OutboxMessage> Outbox => db.Set<OutboxMessage>();
    }
}

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Kind).HasMaxLength(32);
        builder.Property(x => x.UserId).HasMaxLength(64);
        builder.Property(x => x.Channel).HasMaxLength(32);
        builder.Property(x => x.Language).HasMaxLength(8);
        builder.Property(x => x.Text).HasMaxLength(4000);
        builder.Property(x => x.TemplateType).HasMaxLength(64);
        builder.Property(x => x.TemplateVariables).HasMaxLength(2000);
        builder.Property(x => x.ClaimedBy).HasMaxLength(64);
        builder.Property(x => x.ProviderMessageId).HasMaxLength(64);
        builder.Property(x => x.Error).HasMaxLength(64);
        builder.HasIndex(x => new { x.Status, x.NextAttemptAt });
        builder.HasIndex(x => new { x.Kind, x.ReferenceId, x.Status });
        builder.HasIndex(x => new { x.Channel, x.ProviderMessageId });
        builder.HasIndex(x => x.UserId);
    }
}
