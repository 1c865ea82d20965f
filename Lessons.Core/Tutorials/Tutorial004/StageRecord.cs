using Lessons.Core.Catalog;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial004;

/// <summary>
/// What a training stage's pictures and tests need, taken by the training loop itself
/// (<see cref="LessonContext.Steps"/> shows it every step): the parameters before the first step
/// and after the last, the class the net picks on a grid over [-3, 3]² every
/// <see cref="SnapshotEvery"/> iterations (the animation) and after training (the regions figure),
/// and the points. The snapshots are kept as one string of class digits each (row i is y = axis[i]),
/// and taken only when something will draw them (<see cref="LessonContext.RecordsFrames"/>); the net is
/// evaluated outside the graph, so training is unchanged.
/// </summary>
public sealed class StageRecord : IStepObserver
{
    public const int SnapshotEvery = 250;

    /// <summary>Half the side of the square the decision regions are drawn over, and its grid size.</summary>
    public const double RegionExtent = 3.0;
    public const int RegionGrid = 121;

    readonly LessonContext context;
    readonly Func<Tensor, Tensor> forward;
    readonly IReadOnlyList<Tensor> parameters;
    readonly Tensor X, y;
    readonly Tensor axis, points;
    readonly List<long> iterations = [];
    readonly List<string> grids = [];
    bool initialTaken;

    public StageRecord(LessonContext context, Func<Tensor, Tensor> forward, IEnumerable<Tensor> parameters, Tensor X, Tensor y)
    {
        this.context = context;
        this.forward = forward;
        this.parameters = [.. parameters];
        this.X = X;
        this.y = y;
        axis = torch.linspace(-RegionExtent, RegionExtent, RegionGrid, device: context.Device);
        var grid = torch.meshgrid([axis, axis], indexing: "xy");
        points = torch.stack([grid[0].reshape(-1), grid[1].reshape(-1)], dim: 1);
    }

    /// <summary>A stage whose net is a module: its forward is net(X), its parameters net.parameters().</summary>
    public StageRecord(LessonContext context, nn.Module<Tensor, Tensor> net, Tensor X, Tensor y)
        : this(context, net.call, net.parameters(), X, y) { }

    public void Step(long step)
    {
        if (!initialTaken) TakeInitial();
        if (!context.RecordsFrames || step % SnapshotEvery != 0) return;
        long[] classes = RegionClasses().cpu().data<long>().ToArray();
        iterations.Add(step);
        grids.Add(string.Concat(classes.Select(c => (char)('0' + c))));
    }

    public void End()
    {
        if (!initialTaken) TakeInitial();
        using var scope = torch.NewDisposeScope();
        if (context.RecordsFrames)
        {
            context.Record(FourClassResults.SnapshotIterations, iterations);
            context.Record(FourClassResults.Snapshots, grids);
        }
        context.Record(FourClassResults.FinalParameters, parameters);
        var classes = RegionClasses();
        context.Record(FourClassResults.RegionsAxis, axis);
        context.Record(FourClassResults.Regions, Enumerable.Range(0, RegionGrid).Select(i => classes[i]).ToList());
        context.Record(FourClassResults.FirstCoordinate, X[.., 0]);
        context.Record(FourClassResults.SecondCoordinate, X[.., 1]);
        context.Record(FourClassResults.Labels, y);
    }

    void TakeInitial()
    {
        initialTaken = true;
        context.Record(FourClassResults.InitialParameters, parameters);
    }

    /// <summary>The class the net picks at each grid point, [RegionGrid, RegionGrid]; outside the graph.</summary>
    Tensor RegionClasses()
    {
        using var noGrad = torch.no_grad();
        return torch.argmax(forward(points), dim: 1).reshape(RegionGrid, RegionGrid);
    }
}
