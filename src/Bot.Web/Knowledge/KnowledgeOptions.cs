using Bot.Web.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Web.Knowledge;

public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>Confidence (0–1: the calibrated probability that the best entry is right) from which the bot answers.</summary>
    public double AnswerThreshold { get; set; } = 0.75;

    /// <summary>Coverage (0–1) from which a greeting or thanks is answered (a lone "merhaba" is short but clear, and harmless).</summary>
    public double SmallTalkThreshold { get; set; } = 0.6;

    /// <summary>
    /// For questions of one or two words: least specificity (0–1) of the most specific word the question shares with
    /// the entry for the bot to answer; below, it asks which entry was meant. 0 = a word every entry uses, 1 = only this one.
    /// </summary>
    public double MinAnchor { get; set; } = 0.35;

    /// <summary>Coverage (0–1) from which a candidate is offered when the bot asks which one was meant.</summary>
    public double ClarifyThreshold { get; set; } = 0.45;

    /// <summary>Candidates scoring at least this share of the best one's score are offered when the bot asks which was meant.</summary>
    public double ClarifyScoreRatio { get; set; } = 0.5;

    /// <summary>
    /// The logistic model turning a candidate's features into its confidence: intercept, then the weights of
    /// coverage, phrasing similarity, lead over the next entry, log score, anchor (the most entry-specific shared word)
    /// and whole-word coverage. Fitted on a labelled
    /// set by <c>kb calibrate FILE</c>, which prints new values for this key.
    /// </summary>
    public string Calibration { get; set; } = "-3.023 1.454 0.661 1.377 0.61 1.716 1.288";

    /// <summary><see cref="Calibration"/> as numbers (empty when it does not parse; the validator reports that).</summary>
    public double[] CalibrationWeights()
    {
        var parts = Calibration.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])) return [];
        }
        return values;
    }

    /// <summary>
    /// Where BM25 is not sure: the learned signal's probability (0–1) from which its best entry is answered when it is
    /// also BM25's best.
    /// </summary>
    public double LearnedAgreement { get; set; } = 0.35;

    /// <summary>Where BM25 is not sure: the learned signal's probability from which its best entry is answered on its own (above 1: never).</summary>
    public double LearnedAlone { get; set; } = 0.5;

    public const int DefaultLearnedMaxEntries = 1000;

    /// <summary>Above this many entries the learned signal is not trained (its training grows with entries × phrasings) and BM25 decides alone.</summary>
    public int LearnedMaxEntries { get; set; } = DefaultLearnedMaxEntries;

    /// <summary>
    /// How much more of a question (coverage, 0–1) the out-of-scope entry must account for than the best entry for the
    /// question to be out of scope although that entry ranks first (above 1: never).
    /// </summary>
    public double OutOfScopeMargin { get; set; } = 0.2;

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
        errors.Require(options.SmallTalkThreshold is > 0 and <= 1, "SmallTalkThreshold", "must be in (0, 1].");
        errors.Require(options.MinAnchor is >= 0 and <= 1, "MinAnchor", "must be in [0, 1].");
        errors.Require(options.ClarifyScoreRatio is > 0 and <= 1, "ClarifyScoreRatio", "must be in (0, 1].");
        errors.Require(options.MaxCandidates is >= 2 and <= 5, "MaxCandidates", "must be between 2 and 5.");
        errors.Require(options.OutOfScopeMargin > 0, "OutOfScopeMargin", "must be above 0 (above 1: never).");
        errors.Require(options.LearnedAgreement is > 0 and <= 1, "LearnedAgreement", "must be in (0, 1].");
        errors.Require(options.LearnedAlone > 0, "LearnedAlone", "must be above 0 (above 1: the learned signal never answers alone).");
        errors.Require(options.LearnedMaxEntries >= 0, "LearnedMaxEntries", "must be 0 or more (0: no learned signal).");
        errors.Require(options.CalibrationWeights() is { Length: Features.Count + 1 } w && w.All(double.IsFinite), "Calibration",
            $"must list {Features.Count + 1} numbers separated by spaces (intercept, then one weight per feature), as `kb calibrate` prints.");
        return errors.Result();
    }
}

/// <summary>The features of a candidate that its confidence is computed from (see <see cref="KbIndex"/>).</summary>
public static class Features
{
    public const int Count = 6;

    public static double[] Of(double coverage, double similarity, double lead, double score, double anchor, double wholeCoverage) =>
        [coverage, similarity, lead, Math.Log(1 + score) / 5, anchor, wholeCoverage];

    public static double Confidence(double[] calibration, double[] features)
    {
        var z = calibration[0];
        for (var i = 0; i < features.Length; i++) z += calibration[i + 1] * features[i];
        return 1 / (1 + Math.Exp(-z));
    }
}
