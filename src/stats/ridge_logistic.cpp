#include "stats/ridge_logistic.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <Eigen/LU>

namespace psyface::stats {
namespace {

constexpr double kEtaLimit = 30;  // |eta| beyond this gives p within 1e-13 of 0 or 1

// log(1 + exp(eta)) without overflow.
double log1p_exp(double eta) { return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta)); }

// The objective at theta (mean negative log-likelihood plus penalty); fills ws.eta and ws.prob (one exp
// per row gives both).
double objective(RidgeWorkspace& ws, double lambda, const Eigen::VectorXd& theta) {
  ws.eta.noalias() = ws.z.lazyProduct(theta);
  ws.eta += ws.offset;
  double loss = 0;
  for (Eigen::Index i = 0; i < ws.eta.size(); ++i) {
    const double eta = ws.eta[i], e = std::exp(-std::abs(eta));  // log(1 + exp(eta)) = max(eta, 0) + log1p(e)
    loss += std::max(eta, 0.0) + std::log1p(e) - ws.y[i] * eta;
    ws.prob[i] = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
  const double pen = (ws.penalised.array() * theta.array().square()).sum();
  return loss / static_cast<double>(ws.eta.size()) + 0.5 * lambda * pen;
}

// Weights, gradient and Hessian (mean scale) at ws.eta and ws.prob (objective() just ran at theta);
// factorises the Hessian.
void newton_system(RidgeWorkspace& ws, double lambda, const Eigen::VectorXd& theta) {
  const double inv_n = 1.0 / static_cast<double>(ws.eta.size());
  ws.weight = ws.prob.cwiseProduct((1 - ws.prob.array()).matrix());
  ws.weighted_z = ws.z.array().colwise() * ws.weight.array();
  ws.hessian.noalias() = ws.weighted_z.transpose().lazyProduct(ws.z);
  ws.hessian *= inv_n;
  ws.hessian.diagonal() += lambda * ws.penalised;
  ws.v = ws.prob - ws.y;
  ws.gradient.noalias() = ws.z.transpose().lazyProduct(ws.v);
  ws.gradient *= inv_n;
  ws.gradient += lambda * ws.penalised.cwiseProduct(theta);
  ws.llt.compute(ws.hessian);
}

}  // namespace

RidgeWorkspace::RidgeWorkspace(int rows, int columns)
    : z(Eigen::MatrixXd::Ones(rows, columns)),
      y(Eigen::VectorXd::Zero(rows)),
      offset(Eigen::VectorXd::Zero(rows)),
      penalised(Eigen::VectorXd::Ones(columns)),
      eta(rows), prob(rows), weight(rows), gradient(columns), step(columns), trial(columns), v(rows),
      weighted_z(rows, columns), hessian(columns, columns), llt(columns) {
  penalised[0] = 0;
}

void standardise_rows(const Eigen::MatrixXd& x, std::span<const double> y, std::span<const int> rows,
                      RidgeWorkspace& ws, Eigen::VectorXd& mean, Eigen::VectorXd& sd) {
  const double n = static_cast<double>(rows.size());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    double m = 0, ss = 0;
    for (int r : rows) m += x(r, c);
    m /= n;
    for (int r : rows) ss += (x(r, c) - m) * (x(r, c) - m);
    const double s = std::sqrt(ss / n);
    mean[c] = m;
    sd[c] = s > 1e-12 * std::max(1.0, std::abs(m)) ? s : 0.0;
    for (size_t k = 0; k < rows.size(); ++k)
      ws.z(static_cast<Eigen::Index>(k), c + 1) = sd[c] > 0 ? (x(rows[k], c) - m) / sd[c] : 0.0;
  }
  for (size_t k = 0; k < rows.size(); ++k) ws.y[static_cast<Eigen::Index>(k)] = y[static_cast<size_t>(rows[k])];
}

bool fit_penalised_logistic(RidgeWorkspace& ws, double lambda, Eigen::VectorXd& theta) {
  double f = objective(ws, lambda, theta);
  for (int iter = 0; iter < 100; ++iter) {
    newton_system(ws, lambda, theta);
    ws.step = ws.gradient;
    ws.llt.solveInPlace(ws.step);
    if (ws.llt.info() != Eigen::Success || !ws.step.allFinite()) return false;
    double scale = 1;
    for (int halving = 0; halving < 40; ++halving, scale *= 0.5) {
      ws.trial = theta - scale * ws.step;
      const double f_trial = objective(ws, lambda, ws.trial);
      if (f_trial <= f + 1e-15 * std::abs(f)) {
        f = f_trial;
        break;
      }
    }
    const double largest = scale * ws.step.cwiseAbs().maxCoeff();
    theta = ws.trial;
    if (largest < 1e-10) return true;
  }
  return false;
}

double approximate_loo_log_loss(RidgeWorkspace& ws, double lambda, const Eigen::VectorXd& theta) {
  objective(ws, lambda, theta);
  newton_system(ws, lambda, theta);  // Hessian at the fit, mean scale: leverage h_i = w_i z_i' H^-1 z_i / n
  const double n = static_cast<double>(ws.eta.size());
  double loss = 0;
  for (Eigen::Index i = 0; i < ws.eta.size(); ++i) {
    ws.trial = ws.z.row(i).transpose();
    ws.llt.matrixL().solveInPlace(ws.trial);
    const double w = std::max(ws.weight[i], 1e-12);
    const double h = std::min(w * ws.trial.squaredNorm() / n, 1 - 1e-9);
    const double eta = std::clamp(ws.eta[i] + h / (1 - h) * (ws.prob[i] - ws.y[i]) / w, -kEtaLimit, kEtaLimit);
    loss += log1p_exp(eta) - ws.y[i] * eta;
  }
  return loss / n;
}

Eigen::MatrixXd logistic_covariance(RidgeWorkspace& ws, const Eigen::VectorXd& theta) {
  objective(ws, 0.0, theta);
  newton_system(ws, 0.0, theta);
  const Eigen::MatrixXd info = ws.hessian * static_cast<double>(ws.eta.size());
  return info.inverse();
}

RidgeFit fit_ridge_logistic(const Eigen::MatrixXd& x, std::span<const double> y, double lambda) {
  RidgeWorkspace ws(static_cast<int>(x.rows()), static_cast<int>(x.cols()) + 1);
  std::vector<int> rows(static_cast<size_t>(x.rows()));
  std::iota(rows.begin(), rows.end(), 0);
  Eigen::VectorXd mean(x.cols()), sd(x.cols()), theta = Eigen::VectorXd::Zero(x.cols() + 1);
  standardise_rows(x, y, rows, ws, mean, sd);
  RidgeFit fit;
  fit.converged = fit_penalised_logistic(ws, lambda, theta);
  fit.intercept = theta[0];
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double b = sd[c] > 0 ? theta[c + 1] / sd[c] : 0.0;
    fit.beta.push_back(b);
    fit.intercept -= b * mean[c];
  }
  return fit;
}

}  // namespace psyface::stats
