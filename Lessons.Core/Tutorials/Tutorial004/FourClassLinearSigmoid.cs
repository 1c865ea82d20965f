using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// The network from PyTorch's own modules: for each pair of layer sizes a torch.nn.Linear (the
/// weighted sum with bias) and a torch.nn.Sigmoid, in one Sequential.
/// </summary>
public sealed class FourClassLinearSigmoid : Lesson
{
    public override string Id => "four-class-linear-sigmoid";
    public override string Title => "代码的灵活性: nn.Sequential of Linear and Sigmoid modules";
    public override LessonSource Source => new("004_a20ad3c675e1883c.txt", 6, "In[27] 代码的灵活性", Position: 3, Numbered: false);
    public override string Notes => """
        The chapter's last form: no layer of our own at all. For each pair of consecutive sizes
        of the topology [2, 10, 4] the Sequential gets a torch.nn.Linear (f'{i}-th MAC', the
        weighted sum with its bias) and a torch.nn.Sigmoid (f'{i}-th ACT'); the notebook echoes
        it (In[27]). The tutorial neither seeds nor trains it: in the notebook its Linear layers
        would continue the generator after In[23]'s and In[26]'s draws, and the tutorial prints
        no number that depends on them. The lesson's manual_seed(0) before the Linear layers draw
        their initial weights (kaiming-uniform weight, then uniform bias, as PyTorch does) is the
        project's, not the notebook's (the project seeds 0 before an unseeded example's first
        draw); the lesson then trains the net with the chapter's loop, so this final form can be
        compared with the others. Section "代码的灵活性", In[27]. Porting note: the reseed, the
        training and the lines after the module's description are this port's.
        """;
    public override long? Seed => 0;
    public override IReadOnlyList<LessonOption> Options => [.. FourClassTraining.Options, Topology.Option];

    public override double EstimateBytes(OptionValues options) =>
        FourClassTraining.EstimateBytes(options, Topology.Parse(options.Get(Topology.Option)));

    public override void Run(LessonContext context)
    {
        var data = FourClassData.Build(context);
        var topology = Topology.Parse(context.Get(Topology.Option));

        // In[27]: Linear + Sigmoid for each layer (unseeded in the tutorial).
        context.ManualSeed();
        var net = nn.Sequential();
        for (int i = 0; i < topology.Count - 1; i++)
        {
            var linear = nn.Linear(topology[i], topology[i + 1]);
            net.append($"{i}-th MAC", linear);
            net.append($"{i}-th ACT", nn.Sigmoid());
        }
        net.to(context.Device);
        string description = ModuleText.Format(net);
        context.Print(description);
        context.Record("net", description);

        // Not in the text: trained as every other stage is.
        FourClassTraining.TrainModule(context, data, net);
    }
}
