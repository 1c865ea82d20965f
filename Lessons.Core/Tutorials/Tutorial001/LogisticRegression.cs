using Lessons.Core.Catalog;
using Lessons.Core.Python;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Tutorial001;

/// <summary>
/// Logistic regression: a linear layer followed by a sigmoid separates two Gaussian clusters,
/// trained with binary cross-entropy and SGD with momentum until the accuracy exceeds 0.99.
/// </summary>
public sealed class LogisticRegression : Lesson
{
    public override string Id => "logistic-regression";
    public override string Title => "4. 逻辑回归: logistic regression of two Gaussian clusters";
    public override LessonSource Source => new("001_527ed903e0dd4563.txt", 4, "4. 逻辑回归");
    public override long? Seed => 10;

    public override void Run(LessonContext context)
    {
        context.ManualSeed();   // torch.manual_seed(10)
        Device device = context.Device;

        // step 1/5 生成数据: drawn on the CPU generator (the tutorial's numbers on any device), then moved.
        int sample_nums = context.Get(SampleNums);
        double mean_value = context.Get(MeanValue);
        double bias = context.Get(Bias);
        var n_data = torch.ones(sample_nums, 2);
        var x0 = torch.normal(mean_value * n_data, torch.ones_like(n_data)) + bias;   // 类别0 数据 shape=(100, 2)
        var y0 = torch.zeros(sample_nums);                                          // 类别0 标签 shape=(100, 1)
        var x1 = torch.normal(-mean_value * n_data, torch.ones_like(n_data)) + bias;  // 类别1 数据 shape=(100, 2)
        var y1 = torch.ones(sample_nums);                                           // 类别1 标签 shape=(100, 1)
        var train_x = torch.cat([x0, x1], 0).to(device);
        var train_y = torch.cat([y0, y1], 0).to(device);

        // step 2/5 选择模型: its Linear draws its weight, then its bias, on the CPU.
        var lr_net = new LR().to(device);   // 实例化逻辑回归模型
        // step 3/5 选择损失函数
        var loss_fn = nn.BCELoss();
        // step 4/5 选择优化器
        double lr = context.Get(LearningRate);   // 学习率
        var optimizer = torch.optim.SGD(lr_net.parameters(), lr, momentum: context.Get(Momentum));

        // step 5/5 模型训练
        var frames = new LogisticRegressionFrames(context, lr_net, x0, x1, train_x, train_y);
        context.Observe(frames);
        foreach (int iteration in context.Steps(context.Get(Iterations)))
        {
            // 前向传播
            var y_pred = lr_net.call(train_x);
            // Weights blown up by too large a step make the prediction NaN, which BCELoss rejects.
            context.EnsureFinite(y_pred.sum().item(), "the prediction", iteration, "lower lr");
            // 计算 loss
            var loss = loss_fn.call(y_pred.squeeze(), train_y);
            // 反向传播
            loss.backward();
            // 更新参数
            optimizer.step();
            // 清空梯度
            optimizer.zero_grad();
            frames.Loss.Add(loss.item());

            // 绘图: what the tutorial's plot shows, its title and its loss text, every log_every iterations.
            if (iteration % context.Get(LogEvery) == 0)
            {
                var mask = y_pred.ge(0.5).@float().squeeze();   // 以0.5为阈值进行分类
                var correct = (mask == train_y).sum();          // 计算正确预测的样本个数
                double acc = correct.item() / train_y.size(0);  // 计算分类准确率
                var weight = lr_net.features.weight![0];
                double w0 = weight[0].item(), w1 = weight[1].item();
                double plot_b = lr_net.features.bias![0].item();
                context.Print($"Iteration: {iteration}");
                context.Print($"w0:{PyFloat.Fixed(w0, 2)} w1:{PyFloat.Fixed(w1, 2)} b: {PyFloat.Fixed(plot_b, 2)} accuracy:{PyFloat.Fixed(acc * 100, 2)}%");
                context.Print($"Loss={PyFloat.Fixed(loss.item(), 4)}");
                frames.Draw(iteration, w0, w1, plot_b, acc);

                if (acc > context.Get(StopAccuracy))
                    break;
            }
        }
        frames.Conclude();
    }

    /// <summary>The tutorial's LR module: features = Linear(2, 1), then a sigmoid.</summary>
    internal sealed class LR : nn.Module<Tensor, Tensor>
    {
        public readonly Linear features = nn.Linear(2, 1);
        readonly Sigmoid sigmoid = nn.Sigmoid();

        public LR() : base("LR") => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = features.call(x);
            x = sigmoid.call(x);
            return x;
        }
    }

    static readonly LessonOption<int> SampleNums = new("sample_nums", 100, "points in each class", Check.AtLeast(1));
    static readonly LessonOption<double> MeanValue = new("mean_value", 1.7, "class 0 is centred on (mean_value, mean_value) + bias, class 1 on (-mean_value, -mean_value) + bias", Check.Finite);
    static readonly LessonOption<double> Bias = new("bias", 1.0, "shift added to both classes", Check.Finite);
    static readonly LessonOption<double> LearningRate = new("lr", 0.01, "SGD learning rate", Check.Positive);
    static readonly LessonOption<double> Momentum = new("momentum", 0.9, "SGD momentum", Check.InRange(0, 1));
    internal static readonly LessonOption<int> Iterations = new("iterations", 1000, "iteration limit", Check.AtLeast(1));
    static readonly LessonOption<int> LogEvery = new("log_every", 20, "measure the accuracy and print every this many iterations", Check.AtLeast(1));
    internal static readonly LessonOption<double> StopAccuracy = new("stop_accuracy", 0.99, "stop once the accuracy exceeds this", Check.InRange(0, 1));

    public override IReadOnlyList<LessonOption> Options =>
        [SampleNums, MeanValue, Bias, LearningRate, Momentum, Iterations, LogEvery, StopAccuracy];

    /// <summary>
    /// The data, drawn on the CPU: for each class ones, std, mean·ones, the normal draw and its
    /// shift (sample_nums×2 each), the labels, and train_x, train_y: about 24·sample_nums floats;
    /// each iteration about 20·sample_nums more (prediction, BCE and its gradient, the accuracy
    /// mask). Managed: every point recorded as an [x, y] list (about 8 recorded numbers' worth with
    /// its JSON), a loss per iteration (the worst case: no early stop), three lines per log.
    /// </summary>
    public override double EstimateBytes(OptionValues options)
    {
        double samples = options.Get(SampleNums), iterations = options.Get(Iterations);
        double logged = Math.Floor(iterations / options.Get(LogEvery)) + 1;
        return MemoryEstimate.Float32 * 44 * samples
            + 2 * samples * 8 * MemoryEstimate.RecordedNumber
            + iterations * MemoryEstimate.RecordedNumber
            + logged * (3 * MemoryEstimate.PrintedLine + 6 * MemoryEstimate.RecordedNumber);
    }

    /// <summary>A (n, 2) tensor as a list of [x, y] points, for a scatter plot.</summary>
    internal static List<List<double>> Points(Tensor xy)
    {
        List<double> flat = Py.ToList(xy);
        return Enumerable.Range(0, flat.Count / 2).Select(i => new List<double> { flat[2 * i], flat[2 * i + 1] }).ToList();
    }
}

/// <summary>
/// What the tutorial's plots show, kept for the figures and the animation: the model's initial
/// weights (taken before the first step), the loss of every iteration, each drawn iteration's
/// boundary, loss and accuracy, and when training stopped; it prints where it stopped.
/// </summary>
sealed class LogisticRegressionFrames(LessonContext context, LogisticRegression.LR net, Tensor x0, Tensor x1, Tensor train_x, Tensor train_y) : IStepObserver
{
    public readonly List<double> Loss = [];
    readonly List<(long Iteration, double Loss, double W0, double W1, double B, double Accuracy)> logged = [];
    long? stoppedAt;

    public void Step(long step)
    {
        if (step != 0) return;
        context.Record("initial w", net.features.weight![0]);
        context.Record("initial b", net.features.bias![0]);
    }

    public void Draw(long iteration, double w0, double w1, double b, double accuracy)
    {
        logged.Add((iteration, Loss[^1], w0, w1, b, accuracy));
        if (accuracy > context.Get(LogisticRegression.StopAccuracy)) stoppedAt = iteration;
    }

    public void End() { }

    public void Conclude()
    {
        double stopAccuracy = context.Get(LogisticRegression.StopAccuracy);
        if (stoppedAt is long stop)
            context.Print($"accuracy {PyFloat.Fixed(logged[^1].Accuracy * 100, 2)}% exceeds {Py.Repr(stopAccuracy)} at iteration {stop}: training stops");
        else if (logged.Count > 0)
            context.Print($"accuracy never exceeded {Py.Repr(stopAccuracy)} in {context.Get(LogisticRegression.Iterations)} iterations "
                + $"(last measured: {PyFloat.Fixed(logged[^1].Accuracy * 100, 2)}% at iteration {logged[^1].Iteration}, "
                + $"best: {PyFloat.Fixed(logged.Max(l => l.Accuracy) * 100, 2)}%)");
        context.Record("x0", LogisticRegression.Points(x0));
        context.Record("x1", LogisticRegression.Points(x1));
        context.Record("train_x shape", train_x.shape);
        context.Record("train_y shape", train_y.shape);
        context.Record("loss history", Loss);
        context.Record("logged iterations", logged.Select(l => l.Iteration).ToList());
        context.Record("logged loss", logged.Select(l => l.Loss).ToList());
        context.Record("logged w0", logged.Select(l => l.W0).ToList());
        context.Record("logged w1", logged.Select(l => l.W1).ToList());
        context.Record("logged b", logged.Select(l => l.B).ToList());
        context.Record("logged accuracy", logged.Select(l => l.Accuracy).ToList());
        context.Record("stopped at iteration", stoppedAt);
        context.Record("reached accuracy", stoppedAt is not null);
    }
}
