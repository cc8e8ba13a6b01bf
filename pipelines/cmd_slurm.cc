// `sluice slurm submit [RECIPE] -i ... -o OUTDIR --shards N [--partition P]
//   [--time T] [--mem M] [--wait]`: writes one sbatch script per phase of the
//   plan into OUTDIR/slurm/ (a job array for per-shard phases, afterok chains)
//   and submits the unfinished ones; `--wait` polls squeue until they end.
// `sluice slurm status OUTDIR`: progress per phase from the completion markers
//   and squeue.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>

#include "pipelines/command.h"
#include "pipelines/local_executor.h"
#include "pipelines/plan.h"
#include "stages/io/record_writer.h"

namespace sluice {

namespace {

namespace fs = std::filesystem;

struct SubmitArgs {
  RunArgs run;
  int shards = 1;
  std::string partition, time, mem;
  bool wait = false;
  double poll_seconds = 1.0;
};

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

bool OnPath(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    if (access((fs::path(dir) / tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// Runs a shell command; *out gets stdout and stderr. Returns the exit code.
int Capture(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

// "0-3" for a full range, else "1,3".
std::string ArraySpec(const std::vector<int>& tasks) {
  bool contiguous = true;
  for (size_t i = 1; i < tasks.size(); ++i) contiguous = contiguous && tasks[i] == tasks[i - 1] + 1;
  if (contiguous && tasks.size() > 1) return std::to_string(tasks.front()) + "-" + std::to_string(tasks.back());
  std::string s;
  for (int t : tasks) s += (s.empty() ? "" : ",") + std::to_string(t);
  return s;
}

struct JobRecord {
  std::string phase;
  std::string job_id;
};

std::vector<JobRecord> ReadJobs(const std::string& out) {
  std::vector<JobRecord> jobs;
  std::ifstream in(fs::path(out) / "slurm" / "jobs.tsv");
  std::string phase, id;
  while (in >> phase >> id) jobs.push_back({phase, id});
  return jobs;
}

// Phases of the submitted plan (OUTDIR/slurm/plan.tsv: name TAB tasks).
std::vector<Phase> ReadPlanPhases(const std::string& out) {
  std::vector<Phase> phases;
  std::ifstream in(fs::path(out) / "slurm" / "plan.tsv");
  Phase p;
  while (in >> p.name >> p.tasks) phases.push_back(p);
  return phases;
}

struct QueueEntry {
  std::string job;  // "123" or "123_2" (array task) or "123_[0-3]" (pending array)
  std::string state;
  std::string reason;
};

StatusOr<std::vector<QueueEntry>> QueryQueue(const std::vector<JobRecord>& jobs) {
  std::vector<QueueEntry> entries;
  if (jobs.empty()) return entries;
  std::string ids;
  for (const auto& j : jobs) ids += (ids.empty() ? "" : ",") + j.job_id;
  std::string text;
  int rc = Capture("squeue -h -j " + ids + " -o '%i %T %r'", &text);
  if (rc != 0) {
    // squeue refuses a list of ids that have all left the queue.
    if (text.find("Invalid job id") != std::string::npos) return entries;
    return Status::Io("squeue failed: " + Trim(text));
  }
  std::istringstream in(text);
  QueueEntry e;
  while (in >> e.job >> e.state) {
    std::getline(in, e.reason);
    e.reason = Trim(e.reason);
    entries.push_back(e);
  }
  return entries;
}

std::string JobOf(const QueueEntry& e) { return e.job.substr(0, e.job.find('_')); }

int ReportUnfinished(const std::string& out, const std::vector<Phase>& phases) {
  std::string missing;
  for (const auto& p : phases) {
    auto todo = UnfinishedTasks(out, p);
    if (todo.empty()) continue;
    missing += "  " + p.name + ": task(s) " + ArraySpec(todo) + " of " + std::to_string(p.tasks) +
               " not finished (logs: " + out + "/slurm/logs/" + p.name + "-*.log)\n";
  }
  if (missing.empty()) return 0;
  std::cerr << "sluice: the Slurm run did not finish:\n" << missing
            << "sluice: fix the cause and rerun `sluice slurm submit` with the same arguments; it resubmits only "
               "what did not finish\n";
  return 2;
}

int Wait(const std::string& out, const std::vector<JobRecord>& jobs, const std::vector<Phase>& phases,
         double poll_seconds, bool quiet) {
  std::set<std::string> cancelled;
  while (true) {
    auto q = QueryQueue(jobs);
    if (!q.ok()) return ExitCodeFor(q.status());
    if (q->empty()) break;
    for (const auto& e : *q) {
      // Without DependencyParameters=kill_invalid_depend a job whose
      // dependency failed stays pending forever: cancel it.
      if (e.state == "PENDING" && e.reason.find("DependencyNeverSatisfied") != std::string::npos &&
          !cancelled.count(JobOf(e))) {
        std::string ignored;
        Capture("scancel " + JobOf(e), &ignored);
        cancelled.insert(JobOf(e));
        if (!quiet) std::cerr << "sluice: job " << JobOf(e) << " can never start (a dependency failed): cancelled\n";
      }
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
  }
  int rc = ReportUnfinished(out, phases);
  if (rc == 0 && !quiet) std::cout << "sluice: all phases finished; outputs in " << out << "\n";
  return rc;
}

int Submit(const SubmitArgs& a) {
  Recipe recipe;
  auto plan = PlanFor(a.run, a.shards, &recipe);
  if (!plan.ok()) return ExitCodeFor(plan.status());
  std::string out = a.run.output_dir.empty() ? recipe.output_dir : a.run.output_dir;
  if (out.empty()) return ExitCodeFor(Status::Config("no output directory: give -o OUTDIR"));
  out = fs::absolute(out).lexically_normal().string();
  for (const char* tool : {"sbatch", "squeue", "sinfo"}) {
    if (!OnPath(tool)) {
      return ExitCodeFor(Status::Io(std::string(tool) +
                                    " not found on PATH: run on a Slurm login node, or install the Slurm client "
                                    "(Debian: apt-get install slurm-client)"));
    }
  }
  std::string text;
  if (Capture("sinfo -h -o %R", &text) != 0) {
    return ExitCodeFor(Status::Io("cannot reach the Slurm controller (sinfo failed): " + Trim(text)));
  }
  if (!a.partition.empty()) {
    std::set<std::string> parts;
    std::istringstream in(text);
    std::string p;
    while (in >> p) parts.insert(p);
    if (!parts.count(a.partition)) {
      std::string list;
      for (const auto& x : parts) list += (list.empty() ? "" : ", ") + x;
      return ExitCodeFor(Status::Config("--partition '" + a.partition + "' does not exist; partitions: " + list));
    }
  }
  if (Status st = CheckShardCount(out, a.shards); !st.ok()) return ExitCodeFor(st);
  fs::path dir = fs::path(out) / "slurm";
  std::error_code ec;
  fs::create_directories(dir / "logs", ec);
  if (ec) return ExitCodeFor(Status::Io("cannot create '" + (dir / "logs").string() + "': " + ec.message()));
  std::string plan_tsv;
  for (const auto& p : plan->phases) plan_tsv += p.name + "\t" + std::to_string(p.tasks) + "\n";
  if (Status st = WriteFileAtomically((dir / "plan.tsv").string(), plan_tsv); !st.ok()) return ExitCodeFor(st);

  const RunArgs& run = a.run;
  const std::string self = SelfExecutable();
  std::vector<JobRecord> jobs;
  std::string previous;  // job id the next phase depends on
  int k = 0;
  for (const Phase& phase : plan->phases) {
    ++k;
    std::vector<int> todo = UnfinishedTasks(out, phase);
    if (todo.empty()) {
      if (!a.run.quiet) std::cout << "phase " << phase.name << ": finished earlier, not submitted\n";
      continue;
    }
    bool array = phase.per_shard();
    std::ostringstream s;
    s << "#!/bin/bash\n";
    s << "#SBATCH --job-name=sluice-" << phase.name << "\n";
    s << "#SBATCH --output=" << (dir / "logs").string() << "/" << phase.name << (array ? "-%a" : "-0") << ".log\n";
    if (array) s << "#SBATCH --array=" << ArraySpec(todo) << "\n";
    s << "#SBATCH --chdir=" << fs::current_path().string() << "\n";
    if (!a.partition.empty()) s << "#SBATCH --partition=" << a.partition << "\n";
    if (!a.time.empty()) s << "#SBATCH --time=" << a.time << "\n";
    if (!a.mem.empty()) s << "#SBATCH --mem=" << a.mem << "\n";
    if (a.run.threads > 0) s << "#SBATCH --cpus-per-task=" << a.run.threads << "\n";
    s << "# Phase " << k << " of " << plan->phases.size() << ": " << phase.description << "\n";
    s << "# Generated by `sluice slurm submit`; the task writes its marker under " << out
      << "/.sluice/phases/ when it succeeds.\n";
    s << "set -u\n";
    s << "TASK=\"${SLURM_ARRAY_TASK_ID:-0}\"\n";
    auto argv = PhaseTaskArgv(run, phase.name, 0, plan->shards, a.run.threads);
    s << "exec " << ShellQuote(self);
    for (size_t i = 0; i < argv.size(); ++i) s << " " << (i == 3 ? std::string("\"$TASK\"") : ShellQuote(argv[i]));
    s << "\n";
    fs::path script = dir / (std::to_string(k) + "-" + phase.name + ".sbatch");
    if (Status st = WriteFileAtomically(script.string(), s.str()); !st.ok()) return ExitCodeFor(st);
    std::string cmd = "sbatch --parsable";
    if (!previous.empty()) cmd += " --dependency=afterok:" + previous;
    cmd += " " + ShellQuote(script.string());
    int rc = Capture(cmd, &text);
    std::string msg = Trim(text);
    if (rc != 0) {
      Status st = msg.find("partition") != std::string::npos
                      ? Status::Config("sbatch rejected " + script.string() + ": " + msg)
                      : Status::Io("sbatch failed for " + script.string() + ": " + msg);
      // Jobs submitted so far stay queued; record them so status/wait see them.
      std::string tsv;
      for (const auto& j : jobs) tsv += j.phase + "\t" + j.job_id + "\n";
      (void)WriteFileAtomically((dir / "jobs.tsv").string(), tsv);
      return ExitCodeFor(st);
    }
    std::string id = msg.substr(msg.rfind('\n') == std::string::npos ? 0 : msg.rfind('\n') + 1);
    id = id.substr(0, id.find(';'));
    jobs.push_back({phase.name, id});
    previous = id;
    if (!a.run.quiet) {
      std::cout << "phase " << phase.name << ": job " << id << (array ? " (array " + ArraySpec(todo) + ")" : "")
                << " " << script.string() << "\n";
    }
  }
  std::string tsv;
  for (const auto& j : jobs) tsv += j.phase + "\t" + j.job_id + "\n";
  if (Status st = WriteFileAtomically((dir / "jobs.tsv").string(), tsv); !st.ok()) return ExitCodeFor(st);
  if (jobs.empty() && !a.run.quiet) std::cout << "nothing to submit: every phase finished\n";
  if (!a.wait) return 0;
  return Wait(out, jobs, plan->phases, a.poll_seconds, a.run.quiet);
}

int Status_(const std::string& out_in) {
  std::string out = fs::absolute(out_in).lexically_normal().string();
  std::vector<Phase> phases = ReadPlanPhases(out);
  if (phases.empty()) {
    return ExitCodeFor(Status::Io("no Slurm run in '" + out + "' (" + out + "/slurm/plan.tsv is missing)"));
  }
  std::vector<JobRecord> jobs = ReadJobs(out);
  std::vector<QueueEntry> queue;
  bool have_queue = false;
  if (OnPath("squeue")) {
    auto q = QueryQueue(jobs);
    if (q.ok()) {
      queue = *q;
      have_queue = true;
    } else {
      std::cerr << "sluice: " << q.status().message() << "\n";
    }
  }
  bool all_done = true;
  for (const auto& p : phases) {
    auto todo = UnfinishedTasks(out, p);
    std::string job;
    for (const auto& j : jobs) {
      if (j.phase == p.name) job = j.job_id;
    }
    int running = 0, pending = 0;
    for (const auto& e : queue) {
      if (job.empty() || JobOf(e) != job) continue;
      int n = 1;
      // A pending array shows as 123_[1,3] or 123_[0-3]: count its tasks.
      size_t lb = e.job.find('[');
      if (lb != std::string::npos) {
        n = 0;
        std::stringstream ss(e.job.substr(lb + 1, e.job.find(']') - lb - 1));
        std::string part;
        while (std::getline(ss, part, ',')) {
          size_t dash = part.find('-');
          n += dash == std::string::npos ? 1 : std::stoi(part.substr(dash + 1)) - std::stoi(part.substr(0, dash)) + 1;
        }
      }
      (e.state == "RUNNING" || e.state == "COMPLETING" ? running : pending) += n;
    }
    int done = p.tasks - static_cast<int>(todo.size());
    int failed = have_queue ? static_cast<int>(todo.size()) - running - pending : 0;
    std::cout << p.name << ": " << done << "/" << p.tasks << " done";
    if (running) std::cout << ", " << running << " running";
    if (pending) std::cout << ", " << pending << " pending";
    if (failed > 0) {
      std::cout << ", " << failed << " not queued (failed, cancelled or never submitted: tasks " << ArraySpec(todo)
                << ", logs " << out << "/slurm/logs/" << p.name << "-*.log)";
    }
    if (!job.empty()) std::cout << "  [job " << job << "]";
    std::cout << "\n";
    all_done = all_done && todo.empty();
  }
  std::cout << (all_done ? "finished\n" : "not finished\n");
  return 0;
}

Command MakeSlurmCommand() {
  Command c;
  c.name = "slurm";
  c.help = "Run a recipe's sharded phase plan on a Slurm cluster (submit, status)";
  c.setup = [](CLI::App* app) {
    auto a = std::make_shared<SubmitArgs>();
    auto status_dir = std::make_shared<std::string>();
    app->require_subcommand(1);
    CLI::App* submit = app->add_subcommand("submit", "Write sbatch scripts into OUTDIR/slurm/ and submit them");
    AddRunOptions(submit, &a->run);
    submit->add_option("--shards", a->shards, "Number of shards (array tasks)")->check(CLI::Range(1, 100000))
        ->required();
    submit->add_option("--partition", a->partition, "Slurm partition");
    submit->add_option("--time", a->time, "Time limit per job (sbatch --time)");
    submit->add_option("--mem", a->mem, "Memory per job (sbatch --mem)");
    submit->add_flag("--wait", a->wait, "Poll squeue until the last phase ends; exit non-zero if any task failed");
    submit->add_option("--poll-seconds", a->poll_seconds, "squeue polling interval for --wait (default 1)");
    CLI::App* status = app->add_subcommand("status", "Progress per phase of a submitted run");
    status->add_option("outdir", *status_dir, "OUTDIR of the run")->required();
    return [a, status_dir, submit, status]() {
      if (submit->parsed()) return Submit(*a);
      return Status_(*status_dir);
    };
  };
  return c;
}

}  // namespace

SLUICE_REGISTER_COMMAND(Slurm, MakeSlurmCommand);

}  // namespace sluice
