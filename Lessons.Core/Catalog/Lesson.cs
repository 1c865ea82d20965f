namespace Lessons.Core.Catalog;

/// <summary>Where in the tutorials a lesson comes from: the seed file, its section, and the heading.</summary>
/// <param name="File">The tutorial file under shared/seeds, e.g. <c>001_527ed903e0dd4563.txt</c>.</param>
/// <param name="Section">The section's number in that file, for ordering (and citing, as §1, where the tutorial numbers its sections).</param>
/// <param name="Heading">The tutorial's own heading for the section, in its own words.</param>
/// <param name="Position">Order of the lesson among those of one section.</param>
/// <param name="Numbered">False where the tutorial does not number its sections: then the number only orders the catalogue and is never shown.</param>
public sealed record LessonSource(string File, int Section, string Heading, int Position = 0, bool Numbered = true)
{
    public override string ToString() => Numbered ? $"{File} §{Section} {Heading}" : $"{File} «{Heading}»";
}

/// <summary>
/// One example of the tutorials, ported. A lesson is a small class: an id, a title, the section it
/// ports, its options with the tutorial's values as defaults, and <see cref="Run"/>, which reads top
/// to bottom like the tutorial's code. It prints through <see cref="LessonContext.Print"/> (the
/// transcript) and records named results for tests and tools; it never touches the console.
/// Lessons are found by <see cref="LessonCatalog"/>: a new class is all a new lesson needs.
/// </summary>
public abstract class Lesson
{
    /// <summary>Kebab-case id used on the command line, e.g. <c>computational-graph</c>.</summary>
    public abstract string Id { get; }

    /// <summary>The title, with the tutorial's own heading.</summary>
    public abstract string Title { get; }

    public abstract LessonSource Source { get; }

    /// <summary>
    /// The lesson's notes, in English, for <c>--explain</c> and the docs: the idea in a few
    /// sentences, where it sits in the tutorial, and the porting notes that matter for it. They are
    /// the Markdown file beside the lesson's source (<c>ComputationalGraph.md</c> beside
    /// <c>ComputationalGraph.cs</c>), carried inside the program as the sources are.
    /// </summary>
    public virtual string Notes => LessonNotes.For(GetType());

    /// <summary>What the one line of a diverging training says to change (see <see cref="LessonTensors.item"/>).</summary>
    public virtual string DivergenceHint => "lower lr";

    /// <summary>
    /// The seed the tutorial sets before its first random draw, or 0 where the tutorial draws
    /// without one (the project's rule); null when the lesson draws nothing at random.
    /// </summary>
    public virtual long? Seed => null;

    public virtual IReadOnlyList<LessonOption> Options => [];

    /// <summary>
    /// Whether <see cref="Run"/> records autograd graphs (<see cref="LessonContext.RecordGraph(string, TorchSharp.torch.Tensor, (string Name, TorchSharp.torch.Tensor Tensor)[])"/>),
    /// known before it runs, so that <c>--backward</c> on a lesson without one is refused at once.
    /// A test checks it against what each lesson's run records.
    /// </summary>
    public virtual bool RecordsGraphs => false;

    /// <summary>
    /// About how many bytes a run with these option values allocates at its peak: the tensors it
    /// holds (from the lesson's shapes), and the transcript lines and recorded numbers that grow
    /// with its steps. Checked against the memory available before the lesson starts, so a size
    /// that cannot fit is refused in one line instead of failing (or swapping) midway. An upper
    /// bound in round numbers (see <see cref="MemoryEstimate"/>); 0, the default, for lessons whose
    /// options change no size.
    /// </summary>
    public virtual double EstimateBytes(OptionValues options) => 0;

    public abstract void Run(LessonContext context);
}

/// <summary>The lessons' notes: the Markdown files beside their sources, embedded in this assembly.</summary>
public static class LessonNotes
{
    /// <summary>The notes of a lesson class, from <c>Lessons.Core/Tutorials/TutorialNNN/ClassName.md</c>.</summary>
    public static string For(Type lesson)
    {
        const string root = "Lessons.Core.";
        string ns = lesson.Namespace ?? "";
        string name = "Lessons.Core/" + ns[root.Length..].Replace('.', '/') + "/" + lesson.Name + ".md";
        using Stream stream = typeof(LessonNotes).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{lesson.Name} has no notes: {name} is not an embedded resource");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n").TrimEnd('\n');
    }
}
