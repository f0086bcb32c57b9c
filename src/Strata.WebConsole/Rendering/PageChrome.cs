namespace Strata.WebConsole.Rendering;

/// <summary>A message banner: what was done, or, when <paramref name="IsRefusal"/>, why nothing changed.</summary>
public sealed record Notice(string Text, bool IsRefusal = false);

/// <summary>What the layout around every page needs: the title, who is signed in, the sign-out form's token, the banner, the assets.</summary>
public sealed record PageChrome
{
    public required string Title { get; init; }

    /// <summary>The signed-in user's access key id (never the secret); null on the sign-in page.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The session's synchronizer token: every form carries it in a hidden field named csrf.</summary>
    public string? CsrfToken { get; init; }

    public Notice? Notice { get; init; }

    public required string StylesheetUrl { get; init; }

    public required string ScriptUrl { get; init; }
}
