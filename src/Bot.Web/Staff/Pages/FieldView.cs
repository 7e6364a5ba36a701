using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Bot.Web.Staff.Pages;

/// <summary>One form field for the <c>_Field</c> partial: label, input (or textarea), direction, and its error next to it.</summary>
public sealed record FieldView(string Name, string Label, string? Value, string? Error, string Type = "text", string Dir = "auto", string? Lang = null,
    bool Multiline = false, int? MaxLength = null, string? Step = null);

/// <summary>Field errors in the staff member's language, for forms bound to an <c>Input</c> object.</summary>
public static class FormErrors
{
    /// <summary>The first error of <c>Input.&lt;field&gt;</c>, or null.</summary>
    public static string? Of(ModelStateDictionary state, string field) =>
        state.TryGetValue("Input." + field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>Values that did not convert (a date, a number) get the dashboard's own "not valid" message instead of the framework's English one.</summary>
    public static bool ReplaceBindingErrors(ModelStateDictionary state, StaffUi text)
    {
        var failed = state.Where(e => e.Value?.Errors.Count > 0).Select(e => e.Key).ToList();
        state.Clear();
        foreach (var key in failed) state.AddModelError(key, text["validation.invalid"]);
        return failed.Count > 0;
    }

    /// <summary>Adds each problem (field → message key) next to its field, unless that field already shows one.</summary>
    public static void Add(ModelStateDictionary state, StaffUi text, IReadOnlyDictionary<string, string>? errors)
    {
        foreach (var (field, key) in errors ?? new Dictionary<string, string>())
        {
            if (Of(state, field) is null) state.AddModelError("Input." + field, text["error." + key]);
        }
    }
}
