using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Knowledge;

public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>Confidence (0–1) from which the bot answers with its best entry.</summary>
    public double AnswerThreshold { get; set; } = 0.6;

    /// <summary>Coverage (0–1) from which a candidate is offered when the bot asks which one was meant.</summary>
    public double ClarifyThreshold { get; set; } = 0.35;

    /// <summary>Candidates scoring at least this share of the best one's score are offered when the bot asks which was meant.</summary>
    public double ClarifyScoreRatio { get; set; } = 0.6;

    /// <summary>Lead over the next entry (1 − its score ÷ the best score) from which the confidence is the full coverage.</summary>
    public double LeadForFullConfidence { get; set; } = 0.33;

    /// <summary>Most candidates offered when clarifying.</summary>
    public int MaxCandidates { get; set; } = 3;
}

internal sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options)
    {
        var errors = new OptionErrors(KnowledgeOptions.Section);
        errors.Require(options.AnswerThreshold is > 0 and <= 1, "AnswerThreshold", "must be in (0, 1].");
        errors.Require(options.ClarifyThreshold is > 0 and <= 1, "ClarifyThreshold", "must be in (0, 1].");
        errors.Require(options.ClarifyScoreRatio is > 0 and <= 1, "ClarifyScoreRatio", "must be in (0, 1].");
        errors.Require(options.MaxCandidates is >= 2 and <= 5, "MaxCandidates", "must be between 2 and 5.");
        errors.Require(options.LeadForFullConfidence is > 0 and <= 1, "LeadForFullConfidence", "must be in (0, 1].");
        return errors.Result();
    }
}
