using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Bot.Web.Knowledge;

/// <summary>
/// A second, learned signal next to BM25 (ML.NET): a multiclass maximum-entropy model over word uni- and bigrams and
/// character 4-grams, trained on the knowledge base's own phrasings and titles each time the content is indexed.
/// It generalises from the phrasings differently from BM25 (sub-word overlap, many phrasings agreeing), so where BM25 is
/// unsure, the two agreeing is evidence enough to answer (see <see cref="KnowledgeSnapshot"/>). Texts are compared as
/// <see cref="MessageReader.Key"/>s (Turkish letters folded, Arabic letter variants unified).
/// Models are kept per content (a hash of the phrasings) for the life of the process: hosts started on the same content
/// share one training. Training is single-threaded and seeded, so a given content always gives the same model.
/// </summary>
public sealed class LearnedSignal
{
    private static readonly ConcurrentDictionary<string, Lazy<LearnedSignal>> Trained = new(StringComparer.Ordinal);
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly string[] _labels;
    private readonly ConcurrentBag<PredictionEngine<Phrasing, Prediction>> _engines = [];

    private LearnedSignal(MLContext ml, ITransformer model, string[] labels)
    {
        _ml = ml;
        _model = model;
        _labels = labels;
    }

    /// <summary>The model for this content (trained once per distinct content in the process), or null above <paramref name="maxEntries"/>.</summary>
    public static LearnedSignal? For(KnowledgeBase knowledge, Arabizi? arabizi, int maxEntries)
    {
        if (knowledge.Entries.Count == 0 || knowledge.Entries.Count > maxEntries) return null;
        var rows = Rows(knowledge, arabizi);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows.Select(r => r.Label + '\t' + r.Text)))));
        if (Trained.Count > 8) Trained.Clear(); // content reloads over a long life: keep only recent models
        return Trained.GetOrAdd(key, _ => new Lazy<LearnedSignal>(() => Train(rows))).Value;
    }

    private static List<Phrasing> Rows(KnowledgeBase knowledge, Arabizi? arabizi)
    {
        var rows = new List<Phrasing>();
        foreach (var entry in knowledge.Entries)
        {
            foreach (var text in entry.Texts.Values)
            {
                foreach (var phrasing in text.Questions.Prepend(text.Title))
                {
                    rows.Add(new Phrasing { Label = entry.Id, Text = Key(phrasing, arabizi) });
                }
            }
        }
        return rows;
    }

    /// <summary>A text as the model sees it: its words' keys (an Arabizi text in Arabic script first).</summary>
    public static string Key(string text, Arabizi? arabizi)
    {
        var normalized = TextAnalysis.NormalizeText(text);
        if (arabizi?.IsArabizi(normalized) == true) normalized = arabizi.ToArabic(normalized);
        return string.Join(' ', MessageReader.Words(normalized).Select(w => w.Key));
    }

    private static LearnedSignal Train(List<Phrasing> rows)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = false },
                Norm = TextFeaturizingEstimator.NormFunction.L2,
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                KeepDiacritics = false,
                KeepPunctuations = false,
                KeepNumbers = true,
            }, nameof(Phrasing.Text)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
            {
                MaximumNumberOfIterations = 30,
                L2Regularization = 1e-4f,
                NumberOfThreads = 1, // deterministic: the same content gives the same model
            }));
        var model = pipeline.Fit(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(data.Schema)["Score"].GetSlotNames(ref names);
        return new LearnedSignal(ml, model, names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    /// <summary>The entry the model finds most likely for a question (already a <see cref="Key"/>), with its probability.</summary>
    public (string Id, double Probability) Best(string keyedQuestion)
    {
        if (keyedQuestion.Length == 0) return ("", 0);
        if (!_engines.TryTake(out var engine)) engine = _ml.Model.CreatePredictionEngine<Phrasing, Prediction>(_model);
        try
        {
            var scores = engine.Predict(new Phrasing { Text = keyedQuestion }).Score;
            var best = 0;
            for (var i = 1; i < scores.Length; i++)
            {
                if (scores[i] > scores[best]) best = i;
            }
            return scores.Length == 0 ? ("", 0) : (_labels[best], scores[best]);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    private sealed class Phrasing
    {
        public string Label { get; set; } = "";
        public string Text { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }
}
