"""Small real monorepos written into temp dirs."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

# A fixed identity and date: commits (and so their hashes) are the same on every run.
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def git(root: Path, *args: str) -> str:
    """``git ARGS`` in ``root``; its standard output, stripped."""
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


SAMPLE: dict[str, str] = {
    "frontend/package.json": '{"name": "shop-frontend", "private": true, "workspaces": ["packages/*"]}\n',
    "frontend/packages/web/package.json": (
        '{"name": "@shop/web", "version": "1.2.0", "description": "storefront",\n'
        ' "dependencies": {"@shop/ui": "workspace:*", "react": "^18.2.0"},\n'
        ' "devDependencies": {"typescript": "~5.4.0"}}\n'
    ),
    "frontend/packages/web/src/cart.ts": (
        "export interface CartItem { sku: string; qty: number }\n"
        "export class Cart {\n"
        "  private items: CartItem[] = [];\n"
        "  add(item: CartItem): void { this.items.push(item); }\n"
        "  total(prices: Map<string, number>): number { return 0; }\n"
        "}\n"
        "function helper() {}\n"
        "export function checkout(cart: Cart, userId: string): Promise<string> { return Promise.resolve(userId); }\n"
    ),
    "frontend/packages/ui/package.json": '{"name": "@shop/ui", "version": "0.3.0"}\n',
    "frontend/packages/ui/src/Button.tsx": (
        "export type ButtonProps = { label: string };\n"
        "export function Button(props: ButtonProps) { return <button>{props.label}</button>; }\n"
    ),
    "libs/auth/pyproject.toml": (
        '[project]\nname = "shop-auth"\nversion = "2.0.0"\ndescription = "authentication"\n'
        'dependencies = ["requests>=2.31", "shop-core"]\n'
    ),
    "libs/auth/shop_auth/__init__.py": (
        "MAX_SESSIONS = 5\n\n"
        "class AuthService:\n"
        "    def __init__(self, secret: str) -> None:\n        self._secret = secret\n\n"
        "    def login(self, user: str, password: str) -> bool:\n        return True\n\n"
        "    def _hash(self, value):\n        return value\n\n"
        "def _private():\n    pass\n"
    ),
    "libs/core/pyproject.toml": '[project]\nname = "shop_core"\nversion = "0.1.0"\n',
    "libs/core/shop_core/money.py": (
        "from decimal import Decimal\n\n"
        "def process_payment(amount: Decimal, currency: str = 'EUR') -> str:\n    return currency\n"
    ),
    "services/billing/go.mod": "module example.com/shop/billing\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n",
    "services/billing/billing.go": (
        "package billing\n\n"
        "type Receipt struct {\n\tID string\n}\n\n"
        "func ProcessPayment(amount float64, currency string) (*Receipt, error) {\n\treturn nil, nil\n}\n\n"
        "func internalOnly() {}\n"
    ),
    "services/gateway/go.mod": (
        "module example.com/shop/gateway\n\ngo 1.22\n\nrequire (\n\texample.com/shop/billing v0.0.0\n)\n"
    ),
    "services/gateway/main.go": "package main\n\nfunc Serve(port int) error { return nil }\n",
    "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nserde = "1.0"\n',
    "crates/engine/Cargo.toml": (
        '[package]\nname = "engine"\nversion = "0.4.0"\nedition = "2021"\n\n'
        '[dependencies]\nserde = { workspace = true }\n'
    ),
    "crates/engine/src/lib.rs": (
        "pub struct Engine { pub speed: u32 }\n\n"
        "impl Engine {\n    pub fn start(&self, gear: u8) -> bool { true }\n    fn stop(&self) {}\n}\n\n"
        "fn hidden() {}\n"
    ),
    "crates/cli/Cargo.toml": (
        '[package]\nname = "engine-cli"\nversion = "0.4.0"\n\n[dependencies]\nengine = { path = "../engine" }\n'
    ),
    "crates/cli/src/main.rs": "pub fn run(args: Vec<String>) -> i32 { 0 }\n",
    "scripts/deploy.py": "def deploy(target: str) -> None:\n    pass\n",
    "README.md": "# shop\n",
}
