"""The report's bibliography: the primary sources the text relies on, cited by key
(``reports.doc.Cite("pascanu2013")``).  Only cited entries are printed, numbered in order of
first citation."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    authors: str
    year: int | None   # None: undated
    title: str
    venue: str
    url: str = ""
    original: str = ""   # the title in its own script (Chinese), shown in the HTML only
    authors_zh: str = ""   # the entry in Chinese (the Chinese HTML), where it differs: authors,
    title_zh: str = ""     # title as printed (with 《》 where it is a title) and venue
    venue_zh: str = ""


REFERENCES = {
    "seed000": Reference("anonymous", None, "Why RNN gradients vanish and explode",
                         "article in Chinese, with a Python listing; the first source article "
                         "of these notes", original="RNN梯度消失和梯度爆炸的原因",
                         authors_zh="佚名", title_zh="《RNN梯度消失和梯度爆炸的原因》",
                         venue_zh="中文文章，附 Python 代码；本讲义的第一篇原文"),
    "seed003": Reference("anonymous", None,
                         "untitled; it opens by announcing a rigorous analysis of the root of "
                         "the long-term dependency problem, vanishing and exploding gradients",
                         "article in Chinese; the second source article of these notes",
                         authors_zh="佚名",
                         title_zh="无标题；开篇语：“……深入剖析循环神经网络（RNN）中长期依赖问题的"
                                  "根源——梯度消失与梯度爆炸。”",
                         venue_zh="中文文章；本讲义的第二篇原文"),
    "hochreiter1991": Reference("S. Hochreiter", 1991,
                                "Untersuchungen zu dynamischen neuronalen Netzen",
                                "Diploma thesis, Technische Universität München"),
    "hochreiter1997": Reference("S. Hochreiter and J. Schmidhuber", 1997,
                                "Long short-term memory", "Neural Computation 9(8), 1735–1780",
                                "https://doi.org/10.1162/neco.1997.9.8.1735"),
    "bengio1994": Reference("Y. Bengio, P. Simard and P. Frasconi", 1994,
                            "Learning long-term dependencies with gradient descent is difficult",
                            "IEEE Transactions on Neural Networks 5(2), 157–166",
                            "https://doi.org/10.1109/72.279181"),
    "pascanu2013": Reference("R. Pascanu, T. Mikolov and Y. Bengio", 2013,
                             "On the difficulty of training recurrent neural networks",
                             "Proceedings of ICML 2013, PMLR 28(3), 1310–1318",
                             "https://proceedings.mlr.press/v28/pascanu13.html"),
    "le2015": Reference("Q. V. Le, N. Jaitly and G. E. Hinton", 2015,
                        "A simple way to initialize recurrent networks of rectified linear "
                        "units", "arXiv:1504.00941", "https://arxiv.org/abs/1504.00941"),
    "li2018": Reference("S. Li, W. Li, C. Cook, C. Zhu and Y. Gao", 2018,
                        "Independently recurrent neural network (IndRNN): building a longer "
                        "and deeper RNN", "Proceedings of CVPR 2018, 5457–5466",
                        "https://arxiv.org/abs/1803.04831"),
    "gers2000": Reference("F. A. Gers, J. Schmidhuber and F. Cummins", 2000,
                          "Learning to forget: continual prediction with LSTM",
                          "Neural Computation 12(10), 2451–2471",
                          "https://doi.org/10.1162/089976600300015015"),
    "cho2014": Reference("K. Cho, B. van Merriënboer, C. Gulcehre, D. Bahdanau, F. Bougares, "
                         "H. Schwenk and Y. Bengio", 2014,
                         "Learning phrase representations using RNN encoder–decoder for "
                         "statistical machine translation", "Proceedings of EMNLP 2014, "
                         "1724–1734", "https://arxiv.org/abs/1406.1078"),
    "elman1990": Reference("J. L. Elman", 1990, "Finding structure in time",
                           "Cognitive Science 14(2), 179–211",
                           "https://doi.org/10.1207/s15516709cog1402_1"),
    "werbos1990": Reference("P. J. Werbos", 1990,
                            "Backpropagation through time: what it does and how to do it",
                            "Proceedings of the IEEE 78(10), 1550–1560",
                            "https://doi.org/10.1109/5.58337"),
    "saxe2014": Reference("A. M. Saxe, J. L. McClelland and S. Ganguli", 2014,
                          "Exact solutions to the nonlinear dynamics of learning in deep linear "
                          "neural networks", "ICLR 2014", "https://arxiv.org/abs/1312.6120"),
    "he2016": Reference("K. He, X. Zhang, S. Ren and J. Sun", 2016,
                        "Deep residual learning for image recognition",
                        "Proceedings of CVPR 2016, 770–778", "https://arxiv.org/abs/1512.03385"),
    "gelfand1941": Reference("I. Gelfand", 1941, "Normierte Ringe",
                             "Matematicheskii Sbornik 9(51), 3–24"),
    "hornjohnson2013": Reference("R. A. Horn and C. R. Johnson", 2013, "Matrix analysis",
                                 "2nd edition, Cambridge University Press"),
    "sompolinsky1988": Reference("H. Sompolinsky, A. Crisanti and H. J. Sommers", 1988,
                                 "Chaos in random neural networks",
                                 "Physical Review Letters 61(3), 259–262",
                                 "https://doi.org/10.1103/PhysRevLett.61.259"),
    "arjovsky2016": Reference("M. Arjovsky, A. Shah and Y. Bengio", 2016,
                              "Unitary evolution recurrent neural networks",
                              "Proceedings of ICML 2016, PMLR 48, 1120–1128",
                              "https://arxiv.org/abs/1511.06464"),
    "goodfellow2016": Reference("I. Goodfellow, Y. Bengio and A. Courville", 2016,
                                "Deep learning", "MIT Press, chapter 10",
                                "https://www.deeplearningbook.org"),
    "zhang2023": Reference("A. Zhang, Z. C. Lipton, M. Li and A. J. Smola", 2023,
                           "Dive into deep learning",
                           "Cambridge University Press, section 9.7 (backpropagation through "
                           "time)", "https://d2l.ai"),
    "glorot2010": Reference("X. Glorot and Y. Bengio", 2010,
                            "Understanding the difficulty of training deep feedforward neural "
                            "networks", "Proceedings of AISTATS 2010, PMLR 9, 249–256"),
    "hendrycks2016": Reference("D. Hendrycks and K. Gimpel", 2016, "Gaussian error linear units "
                               "(GELUs)", "arXiv:1606.08415", "https://arxiv.org/abs/1606.08415"),
    "elfwing2018": Reference("S. Elfwing, E. Uchibe and K. Doya", 2018,
                             "Sigmoid-weighted linear units for neural network function "
                             "approximation in reinforcement learning",
                             "Neural Networks 107, 3–11",
                             "https://doi.org/10.1016/j.neunet.2017.12.012"),
    "jozefowicz2015": Reference("R. Jozefowicz, W. Zaremba and I. Sutskever", 2015,
                                "An empirical exploration of recurrent network architectures",
                                "Proceedings of ICML 2015, PMLR 37, 2342–2350",
                                "https://proceedings.mlr.press/v37/jozefowicz15.html"),
    "benettin1980": Reference("G. Benettin, L. Galgani, A. Giorgilli and J.-M. Strelcyn", 1980,
                              "Lyapunov characteristic exponents for smooth dynamical systems "
                              "and for Hamiltonian systems; a method for computing all of them. "
                              "Part 1: theory; Part 2: numerical application",
                              "Meccanica 15(1), 9–20 and 21–30",
                              "https://doi.org/10.1007/BF02128236"),
    "engelken2020": Reference("R. Engelken, F. Wolf and L. F. Abbott", 2020,
                              "Lyapunov spectra of chaotic recurrent neural networks",
                              "arXiv:2006.02427", "https://arxiv.org/abs/2006.02427"),
    "chen2018": Reference("M. Chen, J. Pennington and S. S. Schoenholz", 2018,
                          "Dynamical isometry and a mean field theory of RNNs: gating enables "
                          "signal propagation in recurrent neural networks",
                          "Proceedings of ICML 2018, PMLR 80, 873–882",
                          "https://proceedings.mlr.press/v80/chen18i.html"),
    "vogt2022": Reference("R. Vogt, M. Puelma Touzel, E. Shlizerman and G. Lajoie", 2022,
                          "On Lyapunov exponents for RNNs: understanding information propagation "
                          "using dynamical systems tools",
                          "Frontiers in Applied Mathematics and Statistics 8, 818799",
                          "https://doi.org/10.3389/fams.2022.818799"),
}
