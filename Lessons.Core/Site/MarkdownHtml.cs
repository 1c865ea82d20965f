using System.Text;
using System.Text.RegularExpressions;

namespace Lessons.Core.Site;

/// <summary>
/// The Markdown that the course pages are written in (<see cref="Catalog.LessonDocs"/>), as HTML:
/// exactly the subset those pages use (headings, paragraphs, lists, tables, fenced code, the
/// details element, inline code, bold, links and images), so the site shows the same parts as
/// docs/ without a Markdown package. Hooks let the site rewrite links, replace images (a training
/// animation by its slider) and highlight C# blocks.
/// </summary>
public sealed partial class MarkdownHtml
{
    /// <summary>A link's target on the site, or null to show the link's text without a link (a file outside the site).</summary>
    public required Func<string, string?> Link { get; init; }

    /// <summary>An image as HTML: null keeps it an <c>img</c>.</summary>
    public Func<string, string, string?> Image { get; init; } = (_, _) => null;

    /// <summary>A fenced block as HTML, given its language, its code and the last C# file the text before it linked.</summary>
    public required Func<string, string, string?, string> Code { get; init; }

    /// <summary>A paragraph's text, changed before it is written (null keeps it).</summary>
    public Func<string, string>? Paragraph { get; init; }

    public string Convert(string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var html = new StringBuilder();
        string? lastSourceFile = null;
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i];
            if (line.Length == 0) { i++; continue; }
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                string language = line[3..].Trim();
                var code = new List<string>();
                for (i++; i < lines.Length && lines[i] != "```"; i++) code.Add(lines[i]);
                i++;
                html.AppendLine(Code(language, string.Join("\n", code), lastSourceFile));
                continue;
            }
            if (Heading().Match(line) is { Success: true } heading)
            {
                int level = heading.Groups[1].Length;
                string text = heading.Groups[2].Value;
                html.AppendLine($"<h{level} id=\"{Anchor(text)}\">{Inline(text)}</h{level}>");
                i++;
                continue;
            }
            if (line.StartsWith('<'))
            {
                // The raw HTML the pages use: <details>, <summary>…</summary>, </details>.
                html.AppendLine(line);
                i++;
                continue;
            }
            if (line.StartsWith('|'))
            {
                var rows = new List<string>();
                for (; i < lines.Length && lines[i].StartsWith('|'); i++) rows.Add(lines[i]);
                AppendTable(html, rows);
                continue;
            }
            if (ListItem().IsMatch(line))
            {
                bool ordered = char.IsDigit(line[0]);
                html.AppendLine(ordered ? "<ol>" : "<ul>");
                for (; i < lines.Length && ListItem().Match(lines[i]) is { Success: true } item; i++)
                    html.AppendLine($"<li>{Inline(item.Groups[1].Value)}</li>");
                html.AppendLine(ordered ? "</ol>" : "</ul>");
                continue;
            }
            var paragraph = new List<string>();
            for (; i < lines.Length && lines[i].Length > 0 && !lines[i].StartsWith("```", StringComparison.Ordinal)
                   && !lines[i].StartsWith('|') && !Heading().IsMatch(lines[i]); i++)
                paragraph.Add(lines[i]);
            string joined = string.Join("\n", paragraph);
            if (SourceFile().Matches(joined) is { Count: > 0 } files) lastSourceFile = files[^1].Groups[1].Value;
            if (Paragraph is not null) joined = Paragraph(joined);
            if (joined.Length == 0) continue; // the hook dropped it
            // A paragraph that is a lone image is the image's own block (a slider, a stepper, a figure).
            if (LoneImage().Match(joined) is { Success: true } lone && Image(lone.Groups[2].Value, lone.Groups[1].Value) is { } block)
                html.AppendLine(block);
            else
                html.AppendLine($"<p>{Inline(joined)}</p>");
        }
        return html.ToString();
    }

    /// <summary>The id a heading gets, as GitHub makes it for these headings: lower case, spaces as dashes, other punctuation dropped.</summary>
    public static string Anchor(string heading) =>
        NotAnchor().Replace(heading.Trim().ToLowerInvariant().Replace(' ', '-'), "");

    void AppendTable(StringBuilder html, List<string> rows)
    {
        static string[] Cells(string row) => row.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
        html.AppendLine("<table>");
        html.AppendLine("<thead><tr>" + string.Concat(Cells(rows[0]).Select(c => $"<th>{Inline(c)}</th>")) + "</tr></thead>");
        html.AppendLine("<tbody>");
        foreach (string row in rows.Skip(2))
            html.AppendLine("<tr>" + string.Concat(Cells(row).Select(c => $"<td>{Inline(c)}</td>")) + "</tr>");
        html.AppendLine("</tbody></table>");
    }

    /// <summary>Inline Markdown: code spans, bold, images and links; everything else escaped.</summary>
    public string Inline(string text)
    {
        var html = new StringBuilder();
        bool bold = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '`' && text.IndexOf('`', i + 1) is int close and > 0)
            {
                html.Append("<code>").Append(Escape(text[(i + 1)..close])).Append("</code>");
                i = close + 1;
            }
            else if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                html.Append(bold ? "</strong>" : "<strong>");
                bold = !bold;
                i += 2;
            }
            else if ((c == '[' || (c == '!' && i + 1 < text.Length && text[i + 1] == '[')) && LinkAt(text, c == '!' ? i + 1 : i) is var (label, target, end))
            {
                if (c == '!')
                    html.Append($"<img src=\"{Escape(target)}\" alt=\"{Escape(label)}\">");
                else if (Link(target) is string href)
                    html.Append($"<a href=\"{Escape(href)}\">{Inline(label)}</a>");
                else
                    html.Append(Inline(label));
                i = end;
            }
            else
            {
                html.Append(Escape(c.ToString()));
                i++;
            }
        }
        if (bold) html.Append("</strong>");
        return html.ToString();
    }

    /// <summary>A link's text, target and the index after it, at <paramref name="open"/> (a '['), or null.</summary>
    static (string Label, string Target, int End)? LinkAt(string text, int open)
    {
        int depth = 0;
        for (int j = open; j < text.Length; j++)
        {
            char c = text[j];
            if (c == '`' && text.IndexOf('`', j + 1) is int close and > 0) { j = close; continue; }
            if (c == '[') depth++;
            else if (c == ']' && --depth == 0)
            {
                if (j + 1 >= text.Length || text[j + 1] != '(') return null;
                int end = text.IndexOf(')', j + 2);
                if (end < 0) return null;
                return (text[(open + 1)..j], text[(j + 2)..end], end + 1);
            }
        }
        return null;
    }

    /// <summary>Text for HTML: only the five characters that matter are escaped (the rest, «§× and Chinese, stay readable).</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    [GeneratedRegex(@"^(#{1,6}) (.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?:- |\d+\. )(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^!\[([^\]]*)\]\(([^)]*)\)$")]
    private static partial Regex LoneImage();

    [GeneratedRegex(@"\[`([^`]+\.cs)`\]")]
    private static partial Regex SourceFile();

    [GeneratedRegex(@"[^\p{L}\p{N}_-]")]
    private static partial Regex NotAnchor();
}
