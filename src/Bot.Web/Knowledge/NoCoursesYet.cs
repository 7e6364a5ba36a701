namespace Bot.Web.Knowledge;

/// <summary>
/// The course catalogue before staff can publish courses (the announcements issue replaces this with the real
/// catalogue): it is truthfully empty, and answers say so and point to the announcements.
/// </summary>
public sealed class NoCoursesYet : IUpcomingCourses
{
    public Task<IReadOnlyList<string>> ListAsync(string language, string? centreId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
