using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.Web.Channels.WebChat;

/// <summary>
/// The web chat's table: messages waiting in a person's mailbox until the chat is opened, configured here next to their entities and reached as
/// <c>db.WebChatMailbox</c>: the database context itself names none of them.
/// </summary>
public static class WebChatTables
{
    extension(BotDbContext db)
    {
        public DbSet<WebChatMail> WebChatMailbox => db.Set<WebChatMail>();
    }
}

public sealed class WebChatMailConfiguration : IEntityTypeConfiguration<WebChatMail>
{
    public void Configure(EntityTypeBuilder<WebChatMail> builder)
    {
        builder.ToTable("webchat_mailbox");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.UserId).HasMaxLength(64);
        builder.HasIndex(x => x.UserId);
    }
}
