using Bot.Web.Outbox;

namespace Bot.Web.Announcements;

public static class AnnouncementsSetup
{
    /// <summary>Courses (also the catalogue users see), announcements, their check before sending, and the scheduler.</summary>
    public static IServiceCollection AddBotAnnouncements(this IServiceCollection services)
    {
        services.AddSingleton<CourseTexts>();
        services.AddSingleton<CourseCatalog>();
        services.AddSingleton<Knowledge.IUpcomingCourses>(sp => sp.GetRequiredService<CourseCatalog>());
        services.AddSingleton<AnnouncementService>();
        services.AddSingleton<IOutboxCheck, AnnouncementCheck>();
        services.AddHostedService<AnnouncementScheduler>();
        return services;
    }
}
