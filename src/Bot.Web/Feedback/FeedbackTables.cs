using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.Web.Feedback;

/// <summary>
/// The feedback tables: unanswered questions (the staff queue) and the outcome of every question, configured here next to their entities and reached as
/// <c>db.Unanswered</c>: the database context itself names none of them.
/// </summary>
public static class FeedbackTables
{
    extension(BotDbContext db)
    {
        public DbSet<UnansweredQuestion> Unanswered => db.Set<UnansweredQuestion>();
        public DbSet<QuestionEvent> QuestionEvents => db.Set<QuestionEvent>();
    }
}

public sealed class QuestionEventConfiguration : IEntityTypeConfiguration<QuestionEvent>
{
    public void Configure(EntityTypeBuilder<QuestionEvent> builder)
    {
        builder.ToTable("question_events");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Channel).HasMaxLength(32);
        builder.Property(x => x.Language).HasMaxLength(8);
        builder.Property(x => x.CentreId).HasMaxLength(40);
        builder.Property(x => x.Outcome).HasMaxLength(16);
        builder.HasIndex(x => x.At);
    }
}

public sealed class UnansweredQuestionConfiguration : IEntityTypeConfiguration<UnansweredQuestion>
{
    public void Configure(EntityTypeBuilder<UnansweredQuestion> builder)
    {
        builder.ToTable("unanswered_questions");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.UserId).HasMaxLength(64);
        builder.Property(x => x.Channel).HasMaxLength(32);
        builder.Property(x => x.Language).HasMaxLength(8);
        builder.Property(x => x.Reason).HasMaxLength(40);
        builder.Property(x => x.CentreId).HasMaxLength(40);
        builder.HasIndex(x => x.CreatedAt);
        builder.HasIndex(x => x.UserId);
        builder.Property(x => x.Category).HasMaxLength(32);
        builder.Property(x => x.Type).HasMaxLength(16);
        builder.Property(x => x.Status).HasMaxLength(16);
        builder.Property(x => x.AssignedTo).HasMaxLength(256);
        builder.Property(x => x.AnsweredBy).HasMaxLength(256);
        builder.Property(x => x.AnswerEntryId).HasMaxLength(100);
        builder.Property(x => x.Delivery).HasMaxLength(64);
        builder.Property(x => x.DismissReason).HasMaxLength(500);
        builder.HasIndex(x => new { x.Status, x.GroupId });
        builder.HasIndex(x => x.GroupId);
        builder.HasIndex(x => x.Signature); // grouping finds the same question asked again by its signature
    }
}
