using Bot.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.Web.Announcements;

/// <summary>
/// The announcements' tables: courses, announcements and subscriptions, configured here next to their entities and reached as
/// <c>db.Courses</c>: the database context itself names none of them.
/// </summary>
public static class AnnouncementTables
{
    extension(BotDbContext db)
    {
        public DbSet<Course> Courses => db.Set<Course>();
        public DbSet<Announcement> Announcements => db.Set<Announcement>();
        public DbSet<Subscription> Subscriptions => db.Set<Subscription>();
    }
}

public sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.UserId).HasMaxLength(64);
        builder.Property(x => x.Channel).HasMaxLength(32);
        builder.Property(x => x.CentreId).HasMaxLength(40);
        builder.Property(x => x.Topic).HasMaxLength(40);
        builder.Property(x => x.Language).HasMaxLength(8);
        builder.Property(x => x.ConsentMethod).HasMaxLength(64);
        builder.HasIndex(x => new { x.UserId, x.CentreId, x.Topic }).IsUnique();
        builder.HasIndex(x => new { x.CentreId, x.Topic });
    }
}

public sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> builder)
    {
        builder.ToTable("courses");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.CentreId).HasMaxLength(40);
        builder.Property(x => x.Topic).HasMaxLength(40);
        builder.Property(x => x.TitleTr).HasMaxLength(200);
        builder.Property(x => x.TitleAr).HasMaxLength(200);
        builder.Property(x => x.DescriptionTr).HasMaxLength(2000);
        builder.Property(x => x.DescriptionAr).HasMaxLength(2000);
        builder.Property(x => x.LegalStatuses).HasMaxLength(200);
        builder.Property(x => x.Gender).HasMaxLength(16);
        builder.Property(x => x.Days).HasMaxLength(40);
        builder.Property(x => x.Place).HasMaxLength(300);
        builder.Property(x => x.StipendAmount).HasPrecision(10, 2);
        builder.Property(x => x.StipendConditionsTr).HasMaxLength(500);
        builder.Property(x => x.StipendConditionsAr).HasMaxLength(500);
        builder.Property(x => x.HowToApplyTr).HasMaxLength(500);
        builder.Property(x => x.HowToApplyAr).HasMaxLength(500);
        builder.Property(x => x.CreatedBy).HasMaxLength(256);
        builder.Ignore(x => x.StatusList);
        builder.Ignore(x => x.DayList);
        builder.HasIndex(x => new { x.CentreId, x.ApplicationDeadline });
    }
}

public sealed class AnnouncementConfiguration : IEntityTypeConfiguration<Announcement>
{
    public void Configure(EntityTypeBuilder<Announcement> builder)
    {
        builder.ToTable("announcements");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.CentreId).HasMaxLength(40);
        builder.Property(x => x.Centres).HasMaxLength(1000);
        builder.Property(x => x.Topics).HasMaxLength(400);
        builder.Property(x => x.Languages).HasMaxLength(20);
        builder.Property(x => x.TextTr).HasMaxLength(4000);
        builder.Property(x => x.TextAr).HasMaxLength(4000);
        builder.Property(x => x.EditedTextTr).HasMaxLength(4000);
        builder.Property(x => x.EditedTextAr).HasMaxLength(4000);
        builder.Property(x => x.TemplateVariablesTr).HasMaxLength(2000);
        builder.Property(x => x.TemplateVariablesAr).HasMaxLength(2000);
        builder.Property(x => x.CreatedBy).HasMaxLength(256);
        builder.Property(x => x.CancelledBy).HasMaxLength(256);
        builder.Ignore(x => x.CentreList);
        builder.Ignore(x => x.TopicList);
        builder.Ignore(x => x.LanguageList);
        builder.HasOne<Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(x => new { x.Status, x.SendAt });
    }
}
