namespace Bot.Web.Channels;

/// <summary>
/// What a channel remembers between a message it sent and the person's reply (conversation state, under its own
/// name, apart from what the bot remembers): button values too long for the channel, numbered choices.
/// </summary>
public sealed class ChannelMemory
{
    /// <summary>The name this part of conversation state is kept under.</summary>
    public const string StateName = "channel";

    /// <summary>
    /// Button values too long for a channel's limit (Telegram callback data: 64 bytes), sent as short tokens and
    /// looked up here when pressed — kept in state so a button still works after a restart. Newest last, bounded.
    /// </summary>
    public List<ButtonValue> ButtonValues { get; set; } = [];

    public const int MaxButtonValues = 50;

    /// <summary>Remembers <paramref name="value"/> under <paramref name="token"/> (moving it to the newest place).</summary>
    public void RememberButton(string token, string value)
    {
        ButtonValues.RemoveAll(b => b.Token == token);
        ButtonValues.Add(new ButtonValue { Token = token, Value = value });
        if (ButtonValues.Count > MaxButtonValues) ButtonValues.RemoveRange(0, ButtonValues.Count - MaxButtonValues);
    }

    public string? ButtonValue(string token) => ButtonValues.FirstOrDefault(b => b.Token == token)?.Value;

    /// <summary>On channels without buttons (WhatsApp): the numbered choices of the last message sent, which "1", "2"… pick.</summary>
    public List<NumberedChoice> Choices { get; set; } = [];
}

public sealed class NumberedChoice
{
    public string Title { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class ButtonValue
{
    public string Token { get; set; } = "";
    public string Value { get; set; } = "";
}
