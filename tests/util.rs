//! Helpers shared by the integration tests: a temp dir, the real binary, small CSV files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary folder with a store path inside it, removed when dropped.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The store used by [`Dir::run`].
    pub fn db(&self) -> PathBuf {
        self.join("store.redb")
    }

    /// Writes a file (relative to the dir, parent folders created) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// A `careledger` command running in the dir with `--db store.redb`.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("careledger").expect("the binary is built");
        cmd.current_dir(self.path())
            .env_remove("CARELEDGER_DB")
            // `check` appends to a GitHub job summary when this is set (as on a runner).
            .env_remove("GITHUB_STEP_SUMMARY")
            // What a person reads follows --lang, Chinese by default; the tests read English
            // unless they pass `--lang zh` (the argument wins over the environment).
            .env("CARELEDGER_LANG", "en")
            .arg("--db")
            .arg(self.db());
        cmd
    }

    /// Runs careledger with the arguments and returns its output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("careledger runs")
    }

    /// Runs careledger and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "careledger {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// [`Dir::ok`] with no language set: in careledger's default one (Chinese), where
    /// [`Dir::cmd`] asks for English. `--lang en` among the arguments still wins.
    pub fn ok_default_lang(&self, args: &[&str]) -> String {
        let out = self.run_default_lang(args);
        assert!(
            out.status.success(),
            "careledger {args:?} failed with {:?}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs careledger with no language set, expecting exit `code`; returns stderr.
    pub fn fails_default_lang(&self, code: i32, args: &[&str]) -> String {
        let out = self.run_default_lang(args);
        let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
        assert_eq!(out.status.code(), Some(code), "{args:?}:\n{stderr}");
        stderr
    }

    /// Runs careledger in its default language (no `CARELEDGER_LANG`), whatever the exit code.
    fn run_default_lang(&self, args: &[&str]) -> Output {
        self.cmd()
            .env_remove("CARELEDGER_LANG")
            .args(args)
            .output()
            .expect("careledger runs")
    }

    /// Runs careledger and asserts exit code 2; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "careledger {args:?} should exit 2\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("stderr is UTF-8")
    }

    /// The store's current view as the bytes of every exported file, for before/after checks.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let out = self.join("snapshot-export");
        let _ = std::fs::remove_dir_all(&out);
        self.ok(&["export", out.to_str().unwrap()]);
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        std::fs::remove_dir_all(&out).unwrap();
        files
    }

    /// Writes the small valid base dataset into `base/` and imports it.
    pub fn with_base(&self) -> &Dir {
        for (name, text) in BASE {
            self.write(&format!("base/{name}"), text);
        }
        self.ok(&["import", self.join("base").to_str().unwrap()]);
        self
    }
}

/// A small, valid dataset touching every kind (the example rows of DOMAIN.md section 2).
pub const BASE: [(&str, &str); 8] = [
    (
        "staff.csv",
        "staff_id,name,department,role,active_from,active_to\nKF001,李静,customer_care,manager,2021-08-02,\nXS003,王强,sales,consultant,2021-08-02,\nSH003,赵六,after_sales,advisor,2021-08-02,\n",
    ),
    (
        "customers.csv",
        "customer_id,name,phone,family_id,tags,created_on\nC00011,王芳,13812341234,F0007,influential;media,2023-04-02\nC00002,李雷,13900001111,,,2023-01-02\n",
    ),
    (
        "sales.csv",
        "sale_id,customer_id,vin,delivered_at,consultant_id,amount,referrer_id\nS000001,C00011,LFV3A23C5K3012345,2024-01-15 10:30,XS003,191370.50,C00002\n",
    ),
    (
        "service_orders.csv",
        "order_id,customer_id,vin,opened_at,closed_at,revenue,advisor_id,followup_consent\nR0000001,C00011,LFV3A23C5K3012345,2024-07-13 09:00,2024-07-13T11:00:00,380.0,SH003,\n",
    ),
    (
        "insurance.csv",
        "policy_id,customer_id,start_on,referrer_id\nP000001,C00011,2024-03-01,\n",
    ),
    (
        "contacts.csv",
        "attempt_id,customer_id,at,channel,staff_id,purpose,outcome,note\nA0000001,C00011,2024-01-16 09:12,phone,XS003,delivery_call_1,reached,\"客户满意, 无问题\"\n",
    ),
    (
        "surveys.csv",
        "survey_id,attempt_id,customer_id,at,subject_department,overall,issues,comment\nQ000001,A0000001,C00011,2024-01-16 09:20,sales,4,waiting_time;price,\n",
    ),
    (
        "survey_answers.csv",
        "survey_id,question,score\nQ000001,consultant_attitude,5\n",
    ),
];

/// The numbers (added, amended, voided, unchanged) of one kind's row in an import summary.
pub fn counts(stdout: &str, kind: &str) -> [u64; 4] {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(kind))
        .unwrap_or_else(|| panic!("no `{kind}` row in:\n{stdout}"));
    let n: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|c| c.parse().unwrap())
        .collect();
    n.try_into().unwrap()
}

/// Files in `dir` (created if missing) for the generator, which writes no files itself.
pub fn to_files(dir: &Path) -> impl FnMut(&str) -> std::io::Result<Box<dyn std::io::Write>> + '_ {
    move |name| {
        std::fs::create_dir_all(dir)?;
        let file = std::fs::File::create(dir.join(name))?;
        Ok(Box::new(std::io::BufWriter::new(file)))
    }
}

/// A generated store whose lapse model fits in well under a second, also unoptimised: 80
/// customers over 2 years (with their history from 2022). (`gen --customers 300` of the
/// same months does not fit, the model refusing its series; the 189 service customers of
/// fixtures/gates/data fit in seconds, minutes unoptimised.)
pub fn lapse_store() -> Dir {
    let dir = Dir::new();
    let gen_dir = dir.join("gen");
    dir.ok(&[
        "gen",
        "--customers",
        "80",
        "--months",
        "24",
        "--start",
        "2024-01",
        "--out",
        gen_dir.to_str().unwrap(),
    ]);
    dir.ok(&["import", gen_dir.to_str().unwrap()]);
    dir
}
