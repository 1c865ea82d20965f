using Lessons.Core.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Lessons.Core.Tutorials.Seed004;

/// <summary>How a layer of the chapter's networks forms the weighted sum its sigmoid takes.</summary>
public enum WeightedSumForm
{
    /// <summary>In[5]: <c>torch.matmul(A, W) + b</c>.</summary>
    PlusBias,

    /// <summary>In[13], In[17], In[20]: <c>torch.matmul(torch.hstack(A, ones), W)</c>, the bias being W's last row.</summary>
    OnesColumn,

    /// <summary>torch.nn.Linear: <c>A·Wᵀ + b</c>, which libtorch computes as one addmm.</summary>
    Linear,
}

/// <summary>One layer sigmoid(weighted sum of A) of a chapter network, with the lesson's own parameters.</summary>
public sealed record SigmoidLayer(WeightedSumForm Form, Tensor Weight, Tensor? Bias = null);

/// <summary>
/// In[11]'s loop (forward, the chapter's loss, backward, plain SGD step) with the backward pass
/// written out: each gradient comes from the libtorch operations autograd runs for the readable
/// loop, on the same operands (mm with the same transposed operands, sigmoid_backward's
/// g·(1 − y)·y, the biases' column sums, softmax's row sums in its kernel's order), so every loss
/// and parameter comes out the same to the last bit under the pinned kernels; tests compare the
/// two. Rewritings used are exact in IEEE arithmetic: x − y as x + (−y), a product's operands
/// swapped, in-place for out-of-place, mm as addmm with beta 0. What it leaves out is
/// the work around that arithmetic: autograd's graph and its engine, a fresh tensor for most
/// intermediates (buffers made once are reused), the loss's gradient factors that do not change
/// between steps, and the optimizer's bookkeeping.
/// </summary>
public static class FourClassFastTraining
{
    /// <summary>
    /// Trains <paramref name="layers"/> (and a softmax over the classes after them, when
    /// <paramref name="softmax"/>) for the lesson's iterations at its alpha, updating the
    /// parameters in place; returns the loss of every iteration, as FourClassTraining.Train does.
    /// <paramref name="forward"/> is the stage's own forward pass, which draws the decision regions
    /// for the animation at the same iterations as the readable loop.
    /// </summary>
    public static List<double> Train(LessonContext context, string stage, IReadOnlyList<SigmoidLayer> layers, bool softmax, FourClassData data,
        Func<Tensor, Tensor> forward)
    {
        int iterations = context.Get(FourClassTraining.Iterations);
        var losses = new List<double>(iterations);
        var snapshots = new FourClassTraining.RegionSnapshots(context);
        using var network = new Network(layers, softmax, data, context.Get(FourClassTraining.Alpha));
        // No autograd anywhere below; inference mode also skips the per-operation autograd dispatch.
        using var inference = torch.inference_mode();
        for (int i = 0; i < iterations; i++)
        {
            using var step = context.StepScope(stage, i, iterations);
            snapshots.Take(i, forward);
            losses.Add(FourClassTraining.LossItem(context, network.Forward(), i));
            network.BackwardAndStep();
        }
        snapshots.Record();
        return losses;
    }

    /// <summary>One layer's parameters (detached aliases, so updates reach the lesson's own) and buffers.</summary>
    sealed class Layer
    {
        public required WeightedSumForm Form;
        public required Tensor Weight, WeightT;
        public Tensor? Bias;

        /// <summary>What the weighted sum reads: X, [X 1], or the previous layer's output (with a column of ones).</summary>
        public required Tensor Input;
        public Tensor? InputT;

        /// <summary>OnesColumn after the first layer: the columns of Input where the previous layer's output goes.</summary>
        public Tensor? InputPart;

        /// <summary>The weighted sum, then (in place) the layer's output A; Linear makes a new one each step.</summary>
        public Tensor? Sum;
        public Tensor Output = null!;

        /// <summary>Ones shaped like A, for 1 − A.</summary>
        public required Tensor Ones;

        /// <summary>d loss / d Input (none for the first layer, whose input needs no gradient), and d loss / d W.</summary>
        public Tensor? InputGrad;
        public Tensor? InputGradPart;
        public required Tensor WeightGrad;
    }

    sealed class Network : IDisposable
    {
        readonly Layer[] layers;
        readonly bool softmax;
        readonly List<IDisposable> owned;
        readonly Scalar points, minusOne, minusAlpha;
        readonly long[] rows = [0];
        readonly Tensor classOnes, negTarget, oneMinusTarget, logPredGradFactor, logOneMinusPredGradFactor;
        readonly Tensor? products;
        readonly Tensor[] productColumns = [];

        // This step's tensors that the backward pass reads (they belong to the step's dispose scope).
        Tensor prediction = null!, oneMinusPrediction = null!;

        public Network(IReadOnlyList<SigmoidLayer> specs, bool softmax, FourClassData data, double alpha)
        {
            this.softmax = softmax;
            Tensor X = data.X, target = data.OneHot;
            long n = X.shape[0];
            int classes = (int)target.shape[1];
            // Softmax's backward kernel sums a row's products one after another only while the row is
            // shorter than a SIMD vector (8 floats); the sums below follow that order.
            if (softmax && classes >= 8)
                throw new ArgumentException("the written-out softmax backward assumes fewer than 8 classes");
            points = n;
            minusOne = -1;
            minusAlpha = -alpha;

            using var scope = torch.NewDisposeScope();
            using (torch.no_grad())
            {
                // The loss's constants, made as the readable loop makes them each step.
                negTarget = -target;
                oneMinusTarget = 1 - target;
                classOnes = torch.ones_like(target);
                // backward() starts from ones_like(loss); the division by the number of points and the sum
                // pass on loss.grad / E, spread over every output, and the subtraction negates it for the
                // second term; the products with the targets turn these into the factors of the two logs'
                // gradients. None of that depends on the step, so it is done once, by the same operations.
                var perOutput = torch.ones(Array.Empty<long>(), device: X.device).div(points).expand(target.shape);
                logPredGradFactor = perOutput * negTarget;
                logOneMinusPredGradFactor = perOutput.neg() * oneMinusTarget;
                if (softmax)
                {
                    products = torch.empty_like(target);
                    productColumns = Enumerable.Range(0, classes).Select(k => products.narrow(1, k, 1)).ToArray();
                }

                layers = new Layer[specs.Count];
                for (int l = 0; l < specs.Count; l++)
                {
                    SigmoidLayer spec = specs[l];
                    if (spec.Form != specs[0].Form)
                        throw new ArgumentException("the layers of one network share one form");
                    if ((spec.Bias is null) != (spec.Form == WeightedSumForm.OnesColumn))
                        throw new ArgumentException($"a {spec.Form} layer {(spec.Bias is null ? "needs" : "has no")} bias");
                    Tensor weight = spec.Weight.detach();
                    long outputs = spec.Form == WeightedSumForm.Linear ? weight.shape[0] : weight.shape[1];
                    long inputs = spec.Form switch
                    {
                        WeightedSumForm.Linear => weight.shape[1],
                        WeightedSumForm.OnesColumn => weight.shape[0] - 1,
                        _ => weight.shape[0],
                    };
                    Tensor input = spec.Form switch
                    {
                        WeightedSumForm.OnesColumn when l == 0 => torch.hstack(X, torch.ones(n, 1, device: X.device)),
                        WeightedSumForm.OnesColumn => torch.ones(n, inputs + 1, device: X.device),
                        WeightedSumForm.PlusBias when l > 0 => layers[l - 1].Sum!,
                        _ => X,
                    };
                    var layer = new Layer
                    {
                        Form = spec.Form,
                        Weight = weight,
                        WeightT = weight.t(),
                        Bias = spec.Bias?.detach(),
                        Input = input,
                        InputT = spec.Form == WeightedSumForm.Linear ? null : input.t(),
                        InputPart = spec.Form == WeightedSumForm.OnesColumn && l > 0 ? input.narrow(1, 0, inputs) : null,
                        Sum = spec.Form == WeightedSumForm.Linear ? null : torch.empty(n, outputs, device: X.device),
                        Ones = torch.ones(n, outputs, device: X.device),
                        WeightGrad = torch.empty_like(weight),
                    };
                    if (l > 0)
                    {
                        layer.InputGrad = torch.empty(n, spec.Form == WeightedSumForm.OnesColumn ? inputs + 1 : inputs, device: X.device);
                        layer.InputGradPart = spec.Form == WeightedSumForm.OnesColumn ? layer.InputGrad.narrow(1, 0, inputs) : layer.InputGrad;
                    }
                    layers[l] = layer;
                }
            }
            owned = [.. scope.DisposablesView];
            scope.Detach(owned);
        }

        /// <summary>The forward pass and the chapter's loss (In[5], In[6]); returns the loss.</summary>
        public Tensor Forward()
        {
            for (int l = 0; l < layers.Length; l++)
            {
                Layer layer = layers[l];
                // torch.matmul of two matrices is mm; mm is addmm that ignores what it writes over (beta 0).
                layer.Output = layer.Form switch
                {
                    WeightedSumForm.PlusBias => layer.Sum!.addmm_(layer.Input, layer.Weight, 0, 1).add_(layer.Bias!).sigmoid_(),
                    WeightedSumForm.OnesColumn => layer.Sum!.addmm_(layer.Input, layer.Weight, 0, 1).sigmoid_(),
                    _ => torch.nn.functional.linear(layer.Input, layer.Weight, layer.Bias).sigmoid_(),
                };
                if (l + 1 < layers.Length)
                {
                    Layer next = layers[l + 1];
                    if (next.InputPart is not null) next.InputPart.copy_(layer.Output);
                    else next.Input = layer.Output;
                }
            }
            Tensor last = layers[^1].Output;
            prediction = softmax ? torch.nn.functional.softmax(last, 1) : last;
            // -Y·log(pred) - (1 - Y)·log(1 - pred), summed, over E: the readable loss's operations
            // (its 1 - pred is -pred + 1, the same number as ones - pred).
            oneMinusPrediction = classOnes.sub(prediction);
            var secondTerm = torch.log(oneMinusPrediction).mul_(oneMinusTarget);
            return torch.log(prediction).mul_(negTarget).sub_(secondTerm).sum().div_(points);
        }

        /// <summary>The gradients as autograd computes them, and W ← W − alpha·dW for every parameter.</summary>
        public void BackwardAndStep()
        {
            // d loss / d pred: the two logs' gradients, the second negated by 1 - pred's backward.
            Tensor outputGrad = logPredGradFactor.div(prediction).addcdiv_(logOneMinusPredGradFactor, oneMinusPrediction, value: minusOne);
            if (softmax)
            {
                // softmax's backward: y·(g − Σ g·y) per row, the sum taken left to right.
                products!.copy_(outputGrad).mul_(prediction);
                Tensor rowSums = productColumns[0].add(productColumns[1]);
                for (int k = 2; k < productColumns.Length; k++) rowSums.add_(productColumns[k]);
                outputGrad.sub_(rowSums).mul_(prediction);
            }
            for (int l = layers.Length - 1; l >= 0; l--)
            {
                Layer layer = layers[l];
                // sigmoid's backward, g·(1 − y)·y. The gradient that [A 1]'s leaves for A is a view of a wider
                // tensor; autograd's sigmoid_backward makes a new, contiguous one from it, and so does this.
                bool gradIsView = l + 1 < layers.Length && layers[l + 1].Form == WeightedSumForm.OnesColumn;
                Tensor oneMinusOutput = l == layers.Length - 1 && !softmax ? oneMinusPrediction : layer.Ones.sub(layer.Output);
                Tensor sumGrad = (gradIsView ? outputGrad.mul(oneMinusOutput) : outputGrad.mul_(oneMinusOutput)).mul_(layer.Output);
                switch (layer.Form)
                {
                    case WeightedSumForm.Linear:
                        // addmm's backward: the bias's gradient summed over the points; W's as (dZᵀ·A), since W.t() is column-major.
                        layer.WeightGrad.addmm_(sumGrad.t(), layer.Input, 0, 1);
                        layer.InputGrad?.addmm_(sumGrad, layer.Weight, 0, 1);
                        layer.Bias!.add_(sumGrad.sum(rows), alpha: minusAlpha);
                        break;
                    default:
                        // mm's backward: Aᵀ·dZ for W, dZ·Wᵀ for A; a broadcast bias gets dZ summed over the points.
                        layer.WeightGrad.addmm_(layer.InputT!, sumGrad, 0, 1);
                        layer.InputGrad?.addmm_(sumGrad, layer.WeightT, 0, 1);
                        layer.Bias?.add_(sumGrad.sum(rows, keepdim: true), alpha: minusAlpha);
                        break;
                }
                // SGD's step, W.add_(W.grad, alpha=-lr) (In[7]'s W.sub_(alpha·W.grad) is the same number: no
                // fused multiply-add in the pinned kernels); W has been read for the input's gradient already.
                layer.Weight.add_(layer.WeightGrad, alpha: minusAlpha);
                if (layer.InputGradPart is { } inputGrad) outputGrad = inputGrad;
            }
        }

        public void Dispose()
        {
            foreach (IDisposable d in owned) d.Dispose();
            foreach (Scalar s in new[] { points, minusOne, minusAlpha }) s.Dispose();
        }
    }
}
