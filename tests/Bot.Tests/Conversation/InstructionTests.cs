using System.Text.RegularExpressions;
using Bot.Tests.Infrastructure;
using Bot.Web.Knowledge;
using Bot.Web.Localization;
using Xunit;

namespace Bot.Tests.Conversation;

/// <summary>
/// Every instruction the bot gives works when followed: each word a bot text tells people to write ("duyuru" yazın,
/// اكتب "إعلانات", "menü", "personel"…), in the knowledge base's answers and in the bot's own texts, is written by a
/// person who has just been greeted — and the reply must not be the same instruction again (the loop people hit).
/// Words that answer one dialog step ("geç", "evet") are the dialogs' and are tested by their transcripts.
/// </summary>
public sealed class InstructionTests
{
    // "duyuru" yazın · DUR yazın (a keyword in capitals)
    private static readonly Regex Turkish = new("(?:[\"«]([^\"»\\n]{1,30})[\"»]|\\b(\\p{Lu}{2,})\\b)\\s*(?:diye )?yaz", RegexOptions.Compiled);
    // "write" (uktub / taktub / tiktub) followed by a quoted word, or by a colon and the word
    private static readonly Regex Arabic = new("(?:\u0627|\u062A)\u0643\u062A\u0628(?:\u0648\u0627|\u064A)?\\s*(?:[\"«]([^\"»\\n]{1,30})[\"»]|:\\s*([^\\s\"».,،]+))", RegexOptions.Compiled);

    /// <summary>(word, the sentence that asks for it, where) for every instruction in the shipped texts.</summary>
    public static TheoryData<string, string, string> Instructions()
    {
        var found = new Dictionary<string, (string Sentence, string Where)>(StringComparer.Ordinal);
        void Scan(string text, string where)
        {
            foreach (var sentence in Regex.Split(text, @"(?<=[.!?؟\n])"))
            {
                foreach (Match m in Turkish.Matches(sentence).Concat(Arabic.Matches(sentence)))
                {
                    var word = (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Trim();
                    if (word.Length > 0 && !found.ContainsKey(word)) found[word] = (sentence.Trim(), where);
                }
            }
        }
        var kb = KnowledgeBase.Load(Repo.PathOf("localization"));
        foreach (var entry in kb.Entries)
        {
            foreach (var (language, text) in entry.Texts) Scan(text.Answer, $"{entry.Id} ({language})");
        }
        var strings = TextCatalog.Load(Repo.PathOf("localization"));
        foreach (var language in Language.All)
        {
            // The bot's own texts (not the dialogs', whose words answer a step).
            foreach (var key in strings.KeysOf(language).Where(k => !IsDialogKey(k)))
            {
                Scan(strings.Get(language, key), $"{key} ({language})");
            }
        }
        var data = new TheoryData<string, string, string>();
        foreach (var (word, (sentence, where)) in found.OrderBy(f => f.Key, StringComparer.Ordinal)) data.Add(word, sentence, where);
        return data;
    }

    private static readonly string[] DialogSections =
        ["dialog.", "welcome.", "subscribe.", "eligibility.", "work_permit.", "feedback.", "handover.", "my_data.", "status.", "topic."];

    private static bool IsDialogKey(string key) => DialogSections.Any(s => key.StartsWith(s, StringComparison.Ordinal));

    [Fact]
    public void The_shipped_texts_give_instructions_in_both_languages()
    {
        var words = Instructions().Select(row => (string)row[0]).ToList();
        Assert.Contains(words, w => w.Any(c => c is >= '\u0600' and <= '\u06FF'));
        Assert.Contains(words, w => w.All(c => c < '\u0600'));
    }

    [Theory]
    [MemberData(nameof(Instructions))]
    public async Task Writing_what_the_bot_says_to_write_does_not_give_the_same_instruction_again(string word, string sentence, string where)
    {
        using var data = new TempFolder();
        await using var host = await BotHost.StartSqliteAsync(data.Path);
        var arabic = word.Any(c => c is >= '\u0600' and <= '\u06FF') || sentence.Any(c => c is >= '\u0600' and <= '\u06FF');
        await host.SayAsync("follower", arabic ? "\u0645\u0631\u062D\u0628\u0627" : "merhaba"); // hello: the welcome
        var replies = await host.SayAsync("follower", word);
        Assert.NotEmpty(replies);
        Assert.False(replies.Any(r => r.Text.Contains(sentence, StringComparison.Ordinal)),
            $"writing \"{word}\" (as {where} says) gave the same instruction again: {string.Join(" ‖ ", replies.Select(r => r.Text))}");
    }
}
